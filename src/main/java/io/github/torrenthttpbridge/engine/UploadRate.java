package io.github.torrenthttpbridge.engine;

/** Bytes-per-second budget shared by all peers (GCRA): each block reserves its share; one second's worth may burst. */
final class UploadRate {
    private final double nanosPerByte;
    private final long burstNanos = 1_000_000_000L;
    private final java.util.function.LongSupplier clock;
    private long theoreticalArrival;

    UploadRate(long bytesPerSecond) {
        this(bytesPerSecond, System::nanoTime);
    }

    UploadRate(long bytesPerSecond, java.util.function.LongSupplier nanoClock) {
        this.nanosPerByte = 1e9 / bytesPerSecond;
        this.clock = nanoClock;
        this.theoreticalArrival = nanoClock.getAsLong();
    }

    /** Reserves {@code bytes}; returns how long to wait, in nanoseconds, before sending them. */
    synchronized long reserve(int bytes) {
        long now = clock.getAsLong();
        long tat = Math.max(theoreticalArrival, now);
        long delay = Math.max(0, tat - now - burstNanos);
        theoreticalArrival = tat + (long) (bytes * nanosPerByte);
        return delay;
    }
}
