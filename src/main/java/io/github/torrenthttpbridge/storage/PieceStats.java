package io.github.torrenthttpbridge.storage;

import java.util.concurrent.atomic.LongAdder;

/** Live counters of one torrent's storage: what was fetched from the origin and what verified. */
public final class PieceStats {
    final LongAdder originBytes = new LongAdder();
    final LongAdder originRequests = new LongAdder();
    final LongAdder originFailures = new LongAdder();
    final LongAdder piecesVerified = new LongAdder();
    final LongAdder verificationFailures = new LongAdder();
    final LongAdder cacheHits = new LongAdder();

    public long originBytes() {
        return originBytes.sum();
    }

    public long originRequests() {
        return originRequests.sum();
    }

    public long originFailures() {
        return originFailures.sum();
    }

    public long piecesVerified() {
        return piecesVerified.sum();
    }

    public long verificationFailures() {
        return verificationFailures.sum();
    }

    public long cacheHits() {
        return cacheHits.sum();
    }
}
