package io.github.torrenthttpbridge.bridge;

/** Running totals of removed torrents' final figures, so the bridge's totals never go down. */
final class RetiredStats {
    private final long[] totals = new long[10];

    synchronized void add(SeedStats s) {
        totals[0] += s.uploaded();
        totals[1] += s.originBytes();
        totals[2] += s.originRequests();
        totals[3] += s.originFailures();
        totals[4] += s.piecesVerified();
        totals[5] += s.verificationFailures();
        totals[6] += s.blocksRefused();
        totals[7] += s.cacheHits();
        totals[8] += s.diskHits();
        totals[9] += s.diskFailures();
    }

    synchronized long[] snapshot() {
        return totals.clone();
    }
}
