package io.github.torrenthttpbridge.storage;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The verified spans (runs of whole pieces fetched in one origin request) of all torrents of a bridge: a memory
 * tier bounded in bytes over an optional disk tier ({@link SpanTier}).
 *
 * <p>Memory: a span that callers hold a claim on ({@link #claim}, until {@link #unclaim}) is <em>pinned</em>:
 * never evicted, so blocks being served never cost a second origin read. Spans nobody claims are kept in order of
 * their last release and the eldest go first when the bytes held pass {@code maxBytes}; a new span is always
 * admitted (pinned spans may hold more than {@code maxBytes} for a while: they are bounded by the requests
 * outstanding, whose bytes are referenced by those requests anyway). Concurrent claims of an absent span share one
 * load. This is a plain LRU with pins rather than Caffeine: Caffeine's W-TinyLFU admission turns away new entries
 * when the cache is full of often-read ones (exactly the spans a swarm has finished with), and it cannot pin.
 *
 * <p>Disk: spans loaded from the origin are also written to the disk tier, so the origin is read about once per
 * byte while the disk tier holds the file, whatever the memory size and the order peers ask in.
 */
public final class PieceCache implements AutoCloseable {
    /** A span of a torrent; {@code torrent} is any identity unique within the bridge (the info hash hex). */
    public record Key(String torrent, int span) {
    }

    /** Verified pieces of one span; a null entry is a piece whose bytes did not match its hash. */
    record Span(byte[][] pieces, int bytes) {
    }

    private final long maxBytes;
    private final SpanTier disk;
    /** Loads under way (shared by every claim meanwhile). */
    private final Map<Key, CompletableFuture<Span>> loading = new HashMap<>();
    /** Loaded spans nobody claims, eldest release first. */
    private final LinkedHashMap<Key, Span> idle = new LinkedHashMap<>();
    /** Loaded spans with claims. */
    private final Map<Key, Span> pinned = new HashMap<>();
    /** Claims per span, whether loaded, loading or failed. */
    private final Map<Key, Integer> claims = new HashMap<>();
    private long bytes;
    private final LongAdder evictions = new LongAdder();

    /** A memory-only cache of {@code maxBytes}. */
    public PieceCache(long maxBytes) {
        this(maxBytes, SpanTier.NONE);
    }

    /**
     * A cache of {@code maxBytes} in memory over {@code diskBytes} of span files in {@code diskDir} (cleared now,
     * locked for this cache alone).
     *
     * @param deleteDirOnClose whether {@code diskDir} itself is removed at {@link #close()} (a temporary directory)
     */
    public PieceCache(long maxBytes, Path diskDir, long diskBytes, boolean deleteDirOnClose) {
        this(maxBytes, diskBytes > 0 ? new DiskTier(diskDir, diskBytes, deleteDirOnClose) : SpanTier.NONE);
    }

    /**
     * Removes disk caches in temporary directories {@code parent/prefix*} that no running bridge holds (left by a
     * process that was killed); returns how many.
     */
    public static int removeAbandonedDiskCaches(Path parent, String prefix) {
        return DiskTier.removeAbandoned(parent, prefix);
    }

    PieceCache(long maxBytes, SpanTier disk) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("cache size must not be negative");
        }
        this.maxBytes = maxBytes;
        this.disk = disk;
    }

    public long maxBytes() {
        return maxBytes;
    }

    SpanTier disk() {
        return disk;
    }

    /**
     * Claims span {@code key}: its future completes with the span (loaded once by {@code loader} if absent), and
     * the span stays in memory at least until the matching {@link #unclaim}. Whether this started a load is in
     * {@code loaded[0]}.
     */
    CompletableFuture<Span> claim(Key key, Supplier<CompletableFuture<Span>> loader, boolean[] loaded) {
        CompletableFuture<Span> result;
        synchronized (this) {
            claims.merge(key, 1, Integer::sum);
            Span s = idle.remove(key);
            if (s != null) {
                pinned.put(key, s);
                return CompletableFuture.completedFuture(s);
            }
            s = pinned.get(key);
            if (s != null) {
                return CompletableFuture.completedFuture(s);
            }
            CompletableFuture<Span> f = loading.get(key);
            if (f != null) {
                return f;
            }
            result = new CompletableFuture<>();
            loading.put(key, result);
        }
        loaded[0] = true;
        load(key, loader, result);
        return result;
    }

    /** Counts a claim of {@code key} without loading it (a request that fails at once still gets its release). */
    synchronized void claimOnly(Key key) {
        claims.merge(key, 1, Integer::sum);
    }

    /**
     * Loads span {@code key} unless it is in memory or loading already, without claiming it (read-ahead).
     * Returns whether a load started.
     */
    boolean prefetch(Key key, Supplier<CompletableFuture<Span>> loader) {
        CompletableFuture<Span> result;
        synchronized (this) {
            if (idle.containsKey(key) || pinned.containsKey(key) || loading.containsKey(key)) {
                return false;
            }
            result = new CompletableFuture<>();
            loading.put(key, result);
        }
        load(key, loader, result);
        return true;
    }

    private void load(Key key, Supplier<CompletableFuture<Span>> loader, CompletableFuture<Span> result) {
        CompletableFuture<Span> f;
        try {
            f = loader.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((span, error) -> {
            synchronized (this) {
                // only the load still registered for the key (not one dropped by invalidate) enters memory
                if (loading.remove(key, result) && error == null && span != null) {
                    insert(key, span);
                }
            }
            if (error != null) {
                result.completeExceptionally(error instanceof CompletionException ? error : new CompletionException(error));
            } else {
                result.complete(span);
            }
        });
    }

    private void insert(Key key, Span span) {
        bytes += span.bytes();
        if (claims.containsKey(key)) {
            pinned.put(key, span);
        } else {
            idle.put(key, span);
        }
        evict();
    }

    /** Ends one {@link #claim} of {@code key}. */
    void unclaim(Key key) {
        synchronized (this) {
            Integer n = claims.get(key);
            if (n == null) {
                return;
            }
            if (n > 1) {
                claims.put(key, n - 1);
                return;
            }
            claims.remove(key);
            Span s = pinned.remove(key);
            if (s != null) {
                idle.put(key, s);
                evict();
            }
        }
    }

    private void evict() {
        Iterator<Span> it = idle.values().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            bytes -= it.next().bytes();
            it.remove();
            evictions.increment();
        }
    }

    /** Whether span {@code key} is in memory now. */
    synchronized boolean inMemory(Key key) {
        return idle.containsKey(key) || pinned.containsKey(key);
    }

    /** Drops every span of one torrent, in memory and on disk (claims stay counted until released). */
    public void invalidate(String torrent) {
        synchronized (this) {
            loading.keySet().removeIf(k -> k.torrent().equals(torrent));
            for (Map<Key, Span> m : List.of(idle, pinned)) {
                Iterator<Map.Entry<Key, Span>> it = m.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<Key, Span> e = it.next();
                    if (e.getKey().torrent().equals(torrent)) {
                        bytes -= e.getValue().bytes();
                        it.remove();
                    }
                }
            }
        }
        disk.removeTorrent(torrent);
    }

    /** Bytes of verified spans held in memory (pinned or not). */
    public synchronized long weightedSize() {
        return bytes;
    }

    /** Figures for tests, the status page and leak checks. */
    public synchronized Counters counters() {
        int claimed = 0;
        for (int n : claims.values()) {
            claimed += n;
        }
        return new Counters(bytes, maxBytes, idle.size() + pinned.size(), pinned.size(), claimed, loading.size(),
                evictions.sum(), disk.bytes(), disk.maxBytes());
    }

    /**
     * @param memoryBytes   verified bytes in memory
     * @param memoryMax     the memory tier's size
     * @param spans         spans in memory
     * @param pinnedSpans   spans in memory with claims (blocks being served)
     * @param claims        claims not yet released (0 when no request is outstanding)
     * @param pendingLoads  loads under way (0 when idle: no load is ever left behind)
     * @param evictions     spans dropped from memory
     * @param diskBytes     bytes in span files
     * @param diskMax       the disk tier's size (0: none)
     */
    public record Counters(long memoryBytes, long memoryMax, int spans, int pinnedSpans, int claims, int pendingLoads,
                           long evictions, long diskBytes, long diskMax) {
    }

    /** Directory of the disk tier, if there is one. */
    public java.util.Optional<Path> diskDirectory() {
        return disk instanceof DiskTier d ? java.util.Optional.of(d.directory()) : java.util.Optional.empty();
    }

    /** Drops everything and closes the disk tier (its span files are deleted). */
    @Override
    public void close() {
        synchronized (this) {
            loading.clear();
            idle.clear();
            pinned.clear();
            bytes = 0;
        }
        disk.close();
    }
}
