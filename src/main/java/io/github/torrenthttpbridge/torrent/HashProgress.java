package io.github.torrenthttpbridge.torrent;

/**
 * How far hashing has come.
 *
 * @param bytesDone     bytes read and queued for hashing so far
 * @param bytesTotal    the file's length
 * @param bytesPerSecond average rate since hashing started
 */
public record HashProgress(long bytesDone, long bytesTotal, double bytesPerSecond) {
    public double percent() {
        return bytesTotal == 0 ? 100.0 : 100.0 * bytesDone / bytesTotal;
    }

    public double mibPerSecond() {
        return bytesPerSecond / (1024.0 * 1024.0);
    }

    public boolean isDone() {
        return bytesDone == bytesTotal;
    }

    @Override
    public String toString() {
        return String.format("%.1f%% (%,d of %,d bytes, %.1f MiB/s)", percent(), bytesDone, bytesTotal, mibPerSecond());
    }
}
