package io.github.torrenthttpbridge.bridge;

/** Running totals of removed torrents' final figures, so the bridge's totals never go down. */
final class RetiredStats {
    private SeedStats totals = SeedStats.ZERO;

    /** Adds a removed torrent's final figures (its peers are gone: not counted). */
    synchronized void add(SeedStats s) {
        totals = totals.plus(new SeedStats(0, s.uploaded(), s.originBytes(), s.originRequests(), s.originFailures(),
                s.piecesVerified(), s.verificationFailures(), s.blocksRefused(), s.cacheHits(), s.diskHits(),
                s.diskFailures(), s.peersCompleted()));
    }

    synchronized SeedStats snapshot() {
        return totals;
    }
}
