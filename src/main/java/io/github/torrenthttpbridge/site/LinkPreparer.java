package io.github.torrenthttpbridge.site;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up (and if need be starts hashing) files that pages link to, one at a time on one background thread, so
 * their torrents are likely ready when someone asks. Bounded: at most 64 paths wait; more are dropped.
 *
 * <p>Locking: none; a path is queued at most once at a time ({@code putIfAbsent} on a concurrent set).
 */
final class LinkPreparer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LinkPreparer.class);

    private final Consumer<String> lookUp;
    private final Map<String, Boolean> queued = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64), r -> {
                Thread t = new Thread(r, "torrent-prepare");
                t.setDaemon(true);
                return t;
            }, (r, pool) -> ((Task) r).dropped());

    LinkPreparer(Consumer<String> lookUp) {
        this.lookUp = lookUp;
    }

    /** Queues {@code path} unless it is queued already or the queue is full. */
    void prepare(String path) {
        if (queued.putIfAbsent(path, Boolean.TRUE) != null) {
            return;
        }
        thread.execute(new Task(path));
    }

    private final class Task implements Runnable {
        private final String path;

        Task(String path) {
            this.path = path;
        }

        @Override
        public void run() {
            try {
                lookUp.accept(path);
            } catch (RuntimeException e) {
                LOG.debug("preparing {} failed: {}", path, e.toString());
            } finally {
                queued.remove(path);
            }
        }

        /** The queue was full or the preparer closed: a later page view may try again. */
        void dropped() {
            queued.remove(path);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
