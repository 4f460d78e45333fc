package io.github.torrenthttpbridge.cli;

import java.util.concurrent.CountDownLatch;

/**
 * For a command that serves until SIGINT/SIGTERM: {@link #await()} returns when the JVM is asked to stop, and the
 * JVM's shutdown waits until {@link #done()} (call it once the server is closed), so the server stops cleanly.
 */
final class ShutdownWait {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    ShutdownWait(String name) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name));
    }

    void await() throws InterruptedException {
        stop.await();
    }

    /** Prints where a server is (its own first line, the status page, the torrent port), then {@link #await()}s. */
    void serving(String first, java.net.URI base, int torrentPort) throws InterruptedException {
        System.out.println(first);
        System.out.println("status page:  " + base.resolve("torrent-bridge/"));
        System.out.println("torrent port: " + torrentPort);
        System.out.println("serving; press Ctrl-C to stop");
        System.out.flush();
        await();
    }

    void done() {
        stopped.countDown();
    }
}
