package io.github.torrenthttpbridge.storage;

/**
 * A place below the memory cache that keeps spans' bytes (the disk, in the bridge). It never checks them: whatever
 * comes out is verified again by {@link VerifiedPieceSource} before use, so a tier may lose or damage bytes safely.
 */
interface SpanTier extends AutoCloseable {
    /** Completes with the bytes kept for {@code key} (its pieces, in order), or null when it has none; never fails. */
    java.util.concurrent.CompletableFuture<byte[]> get(PieceCache.Key key);

    /** Keeps a copy of a span whose pieces were all verified, when there is room (it may drop others for it). */
    void put(PieceCache.Key key, byte[][] pieces, int bytes);

    /** Forgets one span (its bytes failed verification on the way out). */
    void remove(PieceCache.Key key);

    /** Forgets every span of one torrent. */
    void removeTorrent(String torrent);

    /** Bytes kept now. */
    long bytes();

    /** The most bytes it ever keeps. */
    long maxBytes();

    @Override
    void close();

    /** No tier: nothing is kept below memory. */
    SpanTier NONE = new SpanTier() {
        @Override
        public java.util.concurrent.CompletableFuture<byte[]> get(PieceCache.Key key) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        @Override
        public void put(PieceCache.Key key, byte[][] pieces, int bytes) {
        }

        @Override
        public void remove(PieceCache.Key key) {
        }

        @Override
        public void removeTorrent(String torrent) {
        }

        @Override
        public long bytes() {
            return 0;
        }

        @Override
        public long maxBytes() {
            return 0;
        }

        @Override
        public void close() {
        }
    };
}
