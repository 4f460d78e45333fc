package io.github.torrenthttpbridge.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.torrenthttpbridge.torrent.HashProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HashJobsTest {
    @Test
    void concurrentRequestsForOneKeyShareOneJob() throws Exception {
        try (HashJobs jobs = new HashJobs(2, 10)) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger runs = new AtomicInteger();
            AtomicInteger ends = new AtomicInteger();
            ExecutorService callers = Executors.newFixedThreadPool(8);
            List<Future<HashJobs.Submitted>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                results.add(callers.submit(() -> jobs.submit("k", "/f", 100, p -> {
                    runs.incrementAndGet();
                    p.accept(new HashProgress(50, 100, 1));
                    release.await(20, TimeUnit.SECONDS);
                }, ends::incrementAndGet)));
            }
            int started = 0;
            HashJobs.Job job = null;
            for (Future<HashJobs.Submitted> f : results) {
                HashJobs.Submitted s = f.get();
                started += s.outcome() == HashJobs.Outcome.STARTED ? 1 : 0;
                job = job == null ? s.job() : job;
                assertSame(job, s.job());
            }
            callers.shutdown();
            assertEquals(1, started);
            assertEquals(1, jobs.started());
            assertEquals(job, jobs.forPath("/f").orElseThrow());
            release.countDown();
            job.done.get(10, TimeUnit.SECONDS);
            assertTrue(jobs.get("k").isEmpty(), "a finished job is unlisted before its future completes");
            assertEquals(1, runs.get());
            assertEquals(1, ends.get());
            assertEquals(50, job.progress.get().bytesDone());
        }
    }

    @Test
    void aFullQueueRefusesAndFailuresAreRemembered() throws Exception {
        try (HashJobs jobs = new HashJobs(1, 1)) {
            CountDownLatch release = new CountDownLatch(1);
            HashJobs.Work block = p -> release.await(20, TimeUnit.SECONDS);
            HashJobs.Submitted a = jobs.submit("a", "/a", 1, block, () -> { });
            HashJobs.Submitted b = jobs.submit("b", "/b", 1, block, () -> { });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            HashJobs.Submitted c = jobs.submit("c", "/c", 1, block, () -> { });
            while (c.outcome() != HashJobs.Outcome.QUEUE_FULL && System.nanoTime() < deadline) {
                c = jobs.submit("c" + System.nanoTime(), "/c", 1, block, () -> { });
            }
            assertEquals(HashJobs.Outcome.STARTED, a.outcome());
            assertEquals(HashJobs.Outcome.STARTED, b.outcome());
            assertEquals(HashJobs.Outcome.QUEUE_FULL, c.outcome());
            assertNull(c.job());
            release.countDown();
            a.job().done.get(10, TimeUnit.SECONDS);
            b.job().done.get(10, TimeUnit.SECONDS);

            HashJobs.Submitted failing = jobs.submit("x", "/x", 1, p -> {
                throw new IllegalStateException("origin went away");
            }, () -> { });
            failing.job().done.get(10, TimeUnit.SECONDS);
            assertEquals("origin went away", jobs.failures().get("x"));
            HashJobs.Submitted retry = jobs.submit("x", "/x", 1, p -> { }, () -> { });
            retry.job().done.get(10, TimeUnit.SECONDS);
            assertFalse(jobs.failures().containsKey("x"), "a later success clears the failure");
        }
    }

    @Test
    void closingCompletesEveryFutureAndSkipsTheEndHooks() throws Exception {
        HashJobs jobs = new HashJobs(1, 5);
        AtomicInteger ends = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);
        HashJobs.Submitted a = jobs.submit("a", "/a", 1, p -> {
            running.countDown();
            Thread.sleep(60_000);
        }, () -> { });
        HashJobs.Submitted queued = jobs.submit("b", "/b", 1, p -> { }, ends::incrementAndGet);
        running.await(10, TimeUnit.SECONDS);
        jobs.close();
        a.job().done.get(10, TimeUnit.SECONDS);
        queued.job().done.get(10, TimeUnit.SECONDS);
        assertEquals(0, ends.get(), "a job that never ran keeps its marker for the next start");
    }
}
