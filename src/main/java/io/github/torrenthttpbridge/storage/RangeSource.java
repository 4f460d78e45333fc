package io.github.torrenthttpbridge.storage;

import java.util.concurrent.CompletableFuture;

/** Where a torrent's bytes come from: exact byte ranges of one file (an HTTP origin, in the bridge). */
@FunctionalInterface
public interface RangeSource {
    /** Completes with exactly {@code length} bytes at {@code offset}, or exceptionally. */
    CompletableFuture<byte[]> read(long offset, int length);

    /** How many of those bytes a read actually fetches from somewhere (fewer when some are known zeros). */
    default long fetchedBytes(long offset, int length) {
        return length;
    }
}
