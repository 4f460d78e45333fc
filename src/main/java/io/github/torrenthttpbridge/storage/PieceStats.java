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
    final LongAdder diskHits = new LongAdder();
    final LongAdder diskBytes = new LongAdder();
    final LongAdder diskFailures = new LongAdder();
    final LongAdder readAheads = new LongAdder();
    final LongAdder originAbandoned = new LongAdder();

    /** Origin fetches aborted because every request waiting for them was cancelled. */
    public long originAbandoned() {
        return originAbandoned.sum();
    }

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

    /** Piece reads answered from memory (or joining a load already under way). */
    public long cacheHits() {
        return cacheHits.sum();
    }

    /** Span loads answered from the disk tier (verified again). */
    public long diskHits() {
        return diskHits.sum();
    }

    /** Bytes read back from the disk tier and verified. */
    public long diskBytes() {
        return diskBytes.sum();
    }

    /** Spans read back from disk whose bytes no longer matched: dropped from disk and fetched again. */
    public long diskFailures() {
        return diskFailures.sum();
    }

    /** Spans loaded ahead of any request for a peer reading in order. */
    public long readAheads() {
        return readAheads.sum();
    }
}
