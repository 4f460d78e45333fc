package io.github.torrenthttpbridge.bridge;

/**
 * A snapshot of a bridge's shared resources.
 *
 * @param memoryBytes        verified bytes held in memory
 * @param memoryMaxBytes     the memory cache's size (pinned spans may pass it briefly)
 * @param pinnedSpans        spans in memory that outstanding block requests hold
 * @param diskBytes          bytes in the disk cache's span files
 * @param diskMaxBytes       the disk cache's size (0: no disk cache)
 * @param originInFlight     origin range requests under way
 * @param readPermitsHeld    block requests waiting for their piece
 * @param engineClaims       pieces the peer-wire engine asked for and has not released
 * @param cacheClaims        claims the cache counts (equal to {@code engineClaims} when they agree)
 * @param pendingLoads       span loads (disk or origin) under way
 * @param originDeadlinesHit origin requests ended by their hard deadline
 */
public record BridgeCounters(long memoryBytes, long memoryMaxBytes, int pinnedSpans, long diskBytes, long diskMaxBytes,
                             int originInFlight, int readPermitsHeld, int engineClaims, int cacheClaims,
                             int pendingLoads, long originDeadlinesHit) {

    /** Whether nothing is in flight, held or pinned: what every counter returns to once peers and origin are idle. */
    public boolean idle() {
        return originInFlight == 0 && readPermitsHeld == 0 && engineClaims == 0 && cacheClaims == 0
                && pendingLoads == 0 && pinnedSpans == 0;
    }
}
