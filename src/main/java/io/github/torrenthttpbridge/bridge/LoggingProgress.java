package io.github.torrenthttpbridge.bridge;

import io.github.torrenthttpbridge.torrent.HashProgress;
import io.github.torrenthttpbridge.torrent.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs hashing progress every 10 % (and at the end), with the rate. */
public final class LoggingProgress implements ProgressListener {
    private static final Logger LOG = LoggerFactory.getLogger(LoggingProgress.class);
    private final String what;
    private int lastDecile = -1;

    public LoggingProgress(String what) {
        this.what = what;
    }

    @Override
    public synchronized void onProgress(HashProgress p) {
        int decile = (int) (p.percent() / 10);
        if (decile != lastDecile || p.isDone()) {
            lastDecile = decile;
            LOG.info("hashing {}: {}", what, p);
        }
    }
}
