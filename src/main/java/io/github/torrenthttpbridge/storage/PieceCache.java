package io.github.torrenthttpbridge.storage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The bounded in-memory cache of verified pieces shared by all torrents of a bridge, weighed in bytes.
 * Concurrent requests for an absent piece share one load (Caffeine's async cache keeps the in-flight future).
 */
public final class PieceCache {
    private final AsyncCache<Key, byte[]> cache;
    private final long maxBytes;

    /** A piece of a torrent; {@code torrent} is any identity unique within the bridge (the info hash hex). */
    public record Key(String torrent, int piece) {
    }

    public PieceCache(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("cache size must not be negative");
        }
        this.maxBytes = maxBytes;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key k, byte[] v) -> v.length)
                .buildAsync();
    }

    public long maxBytes() {
        return maxBytes;
    }

    CompletableFuture<byte[]> get(Key key, BiFunction<Key, Executor, CompletableFuture<byte[]>> loader) {
        return cache.get(key, loader);
    }

    void putIfAbsent(Key key, byte[] value) {
        cache.asMap().putIfAbsent(key, CompletableFuture.completedFuture(value));
    }

    boolean contains(Key key) {
        return cache.asMap().containsKey(key);
    }

    /** Drops every piece of one torrent. */
    public void invalidate(String torrent) {
        cache.asMap().keySet().removeIf(k -> k.torrent().equals(torrent));
    }

    /** Bytes held by completed entries (approximate while eviction runs). */
    public long weightedSize() {
        return cache.synchronous().policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }
}
