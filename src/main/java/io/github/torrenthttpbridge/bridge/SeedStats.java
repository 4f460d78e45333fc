package io.github.torrenthttpbridge.bridge;

/**
 * A snapshot of one seeded torrent's figures.
 *
 * @param peers                connected peers
 * @param uploaded             verified bytes written to peers
 * @param originBytes          bytes received from the origin for this torrent
 * @param originRequests       range requests sent to the origin
 * @param originFailures       range requests that failed after retries
 * @param piecesVerified       pieces fetched and matched against their SHA-1
 * @param verificationFailures pieces whose bytes did not match (never uploaded)
 * @param blocksRefused        peer block requests refused
 * @param cacheHits            piece reads answered from memory
 * @param diskHits             span loads answered from the disk cache (verified again)
 * @param diskFailures         spans on disk that no longer matched their SHA-1 (dropped and fetched again)
 */
public record SeedStats(int peers, long uploaded, long originBytes, long originRequests, long originFailures,
                        long piecesVerified, long verificationFailures, long blocksRefused, long cacheHits,
                        long diskHits, long diskFailures) {

    /** Origin bytes per byte uploaded: about 1 (or less) when each byte is fetched once; NaN before any upload. */
    public double originRatio() {
        return uploaded == 0 ? Double.NaN : (double) originBytes / uploaded;
    }
}
