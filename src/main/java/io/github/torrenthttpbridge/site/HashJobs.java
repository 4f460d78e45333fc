package io.github.torrenthttpbridge.site;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.github.torrenthttpbridge.torrent.HashProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background hashing jobs: a bounded pool ({@code hashJobs} threads, {@code hashQueue} waiting), at most
 * one job per key (concurrent requests share it), each job's progress, and the last failure of each key.
 *
 * <p>Locking: {@link #submit} is synchronized, so "is a job running for this key? if not, start one" is atomic;
 * a job removes itself (under the same lock) before completing its {@link Job#done} future, so whoever sees the
 * future complete also sees the job gone. Reading (get, running, failures) takes no lock. The work itself runs
 * outside every lock of this class.
 */
final class HashJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HashJobs.class);

    /** What a job does; it reports progress through the given sink and throws to fail. */
    interface Work {
        void run(Consumer<HashProgress> progress) throws Exception;
    }

    /** A running job. */
    static final class Job {
        final String key;
        final String path;
        final AtomicReference<HashProgress> progress;
        /** Completes (normally, even when the work failed) once the job has ended and is no longer listed. */
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Job(String key, String path, long length) {
            this.key = key;
            this.path = path;
            this.progress = new AtomicReference<>(new HashProgress(0, length, 0));
        }
    }

    /** What {@link #submit} did. */
    enum Outcome { STARTED, ALREADY_RUNNING, QUEUE_FULL }

    record Submitted(Outcome outcome, Job job) {
    }

    private final ThreadPoolExecutor pool;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final AtomicLong started = new AtomicLong();

    HashJobs(int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(Math.max(1, queue)), r -> {
            Thread t = new Thread(r, "torrent-hash-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts {@code work} for {@code key} unless a job for it runs already (then that job is returned) or the
     * queue is full (then no job). {@code onEnd} runs after the work, failed or not, before the job is unlisted.
     */
    synchronized Submitted submit(String key, String path, long length, Work work, Runnable onEnd) {
        Job existing = jobs.get(key);
        if (existing != null) {
            return new Submitted(Outcome.ALREADY_RUNNING, existing);
        }
        Job job = new Job(key, path, length);
        jobs.put(key, job);
        try {
            pool.execute(() -> run(job, work, onEnd));
        } catch (RejectedExecutionException e) {
            jobs.remove(key);
            return new Submitted(Outcome.QUEUE_FULL, null);
        }
        started.incrementAndGet();
        String last = failures.get(key);
        LOG.info("hashing {} ({} bytes) in the background{}", path, length, last == null ? "" : " (the last attempt failed: " + last + ")");
        return new Submitted(Outcome.STARTED, job);
    }

    private void run(Job job, Work work, Runnable onEnd) {
        try {
            work.run(job.progress::set);
            failures.remove(job.key);
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.warn("hashing {} failed: {}", job.path, reason);
            failures.put(job.key, reason);
        } finally {
            try {
                onEnd.run();
            } finally {
                synchronized (this) {
                    jobs.remove(job.key, job);
                }
                job.done.complete(null);
            }
        }
    }

    Optional<Job> get(String key) {
        return Optional.ofNullable(jobs.get(key));
    }

    /** The running job for {@code path}, if any (of whichever key). */
    Optional<Job> forPath(String path) {
        return jobs.values().stream().filter(j -> j.path.equals(path)).findFirst();
    }

    List<Job> running() {
        return new ArrayList<>(jobs.values());
    }

    /** Why the last job of each key failed, for keys whose last job failed. */
    Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    /** Jobs started since creation. */
    /** Jobs waiting for a free hasher. */
    int queued() {
        return pool.getQueue().size();
    }

    long started() {
        return started.get();
    }

    /**
     * Stops the pool (running jobs are interrupted, queued ones never start; their {@code onEnd} does not run, so
     * their markers survive for the next start) and completes every job's future.
     */
    @Override
    public void close() {
        pool.shutdownNow();
        synchronized (this) {
            for (Job j : jobs.values()) {
                j.done.complete(null);
            }
        }
    }
}
