package io.github.torrenthttpbridge.storage;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** Verified pieces of one torrent. A returned piece has been checked against its SHA-1 from the torrent. */
public interface PieceSource {
    /** Completes with a read-only buffer holding piece {@code index}, verified, or exceptionally. */
    CompletableFuture<ByteBuffer> piece(int index);
}
