package io.github.torrenthttpbridge.storage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The bounded in-memory cache of verified spans (runs of whole pieces fetched in one origin request) shared by
 * all torrents of a bridge, weighed in bytes. Concurrent requests for an absent span share one load: Caffeine's
 * async cache keeps the in-flight future, and drops it if the load fails.
 */
public final class PieceCache {
    private final AsyncCache<Key, Span> cache;
    private final long maxBytes;

    /** A span of a torrent; {@code torrent} is any identity unique within the bridge (the info hash hex). */
    public record Key(String torrent, int span) {
    }

    /** Verified pieces of one span; a null entry is a piece whose bytes did not match its hash. */
    record Span(byte[][] pieces, int bytes) {
    }

    public PieceCache(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("cache size must not be negative");
        }
        this.maxBytes = maxBytes;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key k, Span v) -> v.bytes())
                .buildAsync();
    }

    public long maxBytes() {
        return maxBytes;
    }

    CompletableFuture<Span> get(Key key, BiFunction<Key, Executor, CompletableFuture<Span>> loader) {
        return cache.get(key, loader);
    }

    /** Drops every span of one torrent. */
    public void invalidate(String torrent) {
        cache.asMap().keySet().removeIf(k -> k.torrent().equals(torrent));
    }

    /** Bytes held by completed entries (approximate while eviction runs). */
    public long weightedSize() {
        return cache.synchronous().policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }
}
