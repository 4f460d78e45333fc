package io.github.torrenthttpbridge.storage;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The verified pieces of one torrent, as the peer-wire engine reads them; fetching, hashing and caching happen
 * behind it. Every {@link #piece} call is matched by exactly one {@link #release} of the same index once the
 * caller no longer needs the bytes (block written, cancelled, or the peer gone), whether the future succeeded or not.
 */
public interface PieceSource {
    /** Completes with a read-only buffer of piece {@code index}, verified against the torrent, or exceptionally. */
    CompletableFuture<ByteBuffer> piece(int index);

    /**
     * Like {@link #piece}, but bounded: returns null, claiming nothing, when the store has no memory to pin the
     * piece now (try again later); {@code originBytes} is told the size of each origin fetch this call starts.
     */
    default CompletableFuture<ByteBuffer> claim(int index, java.util.function.LongConsumer originBytes) {
        return piece(index);
    }

    /** Consecutive pieces the store loads (and pins) together; a peer's pinned memory is counted in such spans. */
    default int spanPieces() {
        return 1;
    }

    /** Ends one {@link #piece} call's claim on piece {@code index}: the store may evict it once no claim is left. */
    default void release(int index) {
    }

    /** A hint that piece {@code index} will soon be asked for (a peer reading in order); may be ignored. */
    default void prefetch(int index) {
    }
}
