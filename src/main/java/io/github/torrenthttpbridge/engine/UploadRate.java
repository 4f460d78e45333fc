package io.github.torrenthttpbridge.engine;

/** Bytes-per-second budget shared by all peers (GCRA): each block reserves its share; one second's worth may burst. */
final class UploadRate {
    private final double nanosPerByte;
    private final long burstNanos = 1_000_000_000L;
    private long theoreticalArrival = System.nanoTime();

    UploadRate(long bytesPerSecond) {
        this.nanosPerByte = 1e9 / bytesPerSecond;
    }

    /** Reserves {@code bytes}; returns how long to wait, in nanoseconds, before sending them. */
    synchronized long reserve(int bytes) {
        long now = System.nanoTime();
        long tat = Math.max(theoreticalArrival, now);
        long delay = Math.max(0, tat - now - burstNanos);
        theoreticalArrival = tat + (long) (bytes * nanosPerByte);
        return delay;
    }
}
