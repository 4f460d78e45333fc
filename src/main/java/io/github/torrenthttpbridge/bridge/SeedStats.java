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
 * @param peersCompleted       peers that got their last piece while connected to the bridge
 */
public record SeedStats(int peers, long uploaded, long originBytes, long originRequests, long originFailures,
                        long piecesVerified, long verificationFailures, long blocksRefused, long cacheHits,
                        long diskHits, long diskFailures, long peersCompleted) {
    /** No figures. */
    public static final SeedStats ZERO = new SeedStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Both figures added up. */
    public SeedStats plus(SeedStats o) {
        return new SeedStats(peers + o.peers, uploaded + o.uploaded, originBytes + o.originBytes,
                originRequests + o.originRequests, originFailures + o.originFailures, piecesVerified + o.piecesVerified,
                verificationFailures + o.verificationFailures, blocksRefused + o.blocksRefused, cacheHits + o.cacheHits,
                diskHits + o.diskHits, diskFailures + o.diskFailures, peersCompleted + o.peersCompleted);
    }

    /**
     * Copies of a torrent of {@code length} bytes uploaded: what seeding it cost the site, in files (HTTP would be one per
     * download); NaN for an empty torrent.
     */
    public double copies(long length) {
        return length == 0 ? Double.NaN : (double) uploaded / length;
    }

    /** Origin bytes per byte uploaded: about 1 (or less) when each byte is fetched once; NaN before any upload. */
    public double originRatio() {
        return uploaded == 0 ? Double.NaN : (double) originBytes / uploaded;
    }
}
