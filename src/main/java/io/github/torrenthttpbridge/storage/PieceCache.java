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
 * their last release and the eldest go first when the bytes held pass {@code maxBytes}. Pinned and loading spans
 * are part of that bound: a bounded claim that would need a new load beyond it is refused, and the caller waits.
 * Concurrent claims of an absent span share one load; when every claim of a span still loading ends (cancelled
 * requests), the load is abandoned and its origin request aborted. This is a plain LRU with pins rather than Caffeine: Caffeine's W-TinyLFU admission turns away new entries
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
    private final Map<Key, Load> loading = new HashMap<>();
    /** Loaded spans nobody claims, eldest release first. */
    private final LinkedHashMap<Key, Span> idle = new LinkedHashMap<>();
    /** Loaded spans with claims. */
    private final Map<Key, Span> pinned = new HashMap<>();
    /** Claims per span, whether loaded, loading or failed. */
    private final Map<Key, Integer> claims = new HashMap<>();
    private long bytes;
    /** Bytes of {@link #pinned} spans, and the expected bytes of {@link #loading} ones: what eviction cannot free. */
    private long pinnedBytes;
    private long loadingBytes;
    private final LongAdder evictions = new LongAdder();
    private final LongAdder pinsRefused = new LongAdder();
    private final LongAdder loadsAbandoned = new LongAdder();

    /** A load under way: its shared future, its abandon token, its expected size, and whether a claim started it. */
    private record Load(CompletableFuture<Span> result, LoadToken token, long expectedBytes, boolean claimed) {
    }

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

    /** Claims without a memory bound (tests, and callers that hold few claims). */
    CompletableFuture<Span> claim(Key key, Supplier<CompletableFuture<Span>> loader, boolean[] loaded) {
        return claim(key, t -> loader.get(), loaded, 0, false);
    }

    /**
     * Claims span {@code key}: its future completes with the span (loaded once by {@code loader} if absent), and
     * the span stays in memory at least until the matching {@link #unclaim}. Whether this started a load is in
     * {@code loaded[0]}.
     *
     * <p>When {@code bounded}, a claim that needs a new load is refused (null, nothing claimed) while the spans
     * pinned and loading, with this one's {@code expectedBytes}, would pass the memory size: pinned spans are part
     * of the cache's bound, not beside it (one load is always allowed, so a cache smaller than a span still serves).
     * When the last claim of a span still loading ends, the load is abandoned (its origin request aborted).
     */
    CompletableFuture<Span> claim(Key key, java.util.function.Function<LoadToken, CompletableFuture<Span>> loader,
                                  boolean[] loaded, long expectedBytes, boolean bounded) {
        Load load;
        synchronized (this) {
            Span s = idle.remove(key);
            if (s != null) {
                claims.merge(key, 1, Integer::sum);
                pinned.put(key, s);
                pinnedBytes += s.bytes();
                return CompletableFuture.completedFuture(s);
            }
            s = pinned.get(key);
            if (s != null) {
                claims.merge(key, 1, Integer::sum);
                return CompletableFuture.completedFuture(s);
            }
            Load f = loading.get(key);
            if (f != null) {
                claims.merge(key, 1, Integer::sum);
                return f.result();
            }
            long held = pinnedBytes + loadingBytes;
            if (bounded && held > 0 && held + expectedBytes > maxBytes) {
                pinsRefused.increment();
                return null;
            }
            claims.merge(key, 1, Integer::sum);
            load = new Load(new CompletableFuture<>(), new LoadToken(), expectedBytes, true);
            loading.put(key, load);
            loadingBytes += expectedBytes;
        }
        loaded[0] = true;
        load(key, loader, load);
        return load.result();
    }

    /** Counts a claim of {@code key} without loading it (a request that fails at once still gets its release). */
    synchronized void claimOnly(Key key) {
        claims.merge(key, 1, Integer::sum);
    }

    /**
     * Loads span {@code key} unless it is in memory or loading already, without claiming it (read-ahead), and only
     * while the pinned and loading spans leave room for it. Returns whether a load started.
     */
    boolean prefetch(Key key, Supplier<CompletableFuture<Span>> loader, long expectedBytes) {
        Load load;
        synchronized (this) {
            if (idle.containsKey(key) || pinned.containsKey(key) || loading.containsKey(key)
                    || pinnedBytes + loadingBytes + expectedBytes > maxBytes) {
                return false;
            }
            load = new Load(new CompletableFuture<>(), new LoadToken(), expectedBytes, false);
            loading.put(key, load);
            loadingBytes += expectedBytes;
        }
        load(key, t -> loader.get(), load);
        return true;
    }

    private void load(Key key, java.util.function.Function<LoadToken, CompletableFuture<Span>> loader, Load load) {
        CompletableFuture<Span> f;
        try {
            f = loader.apply(load.token());
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Span> result = load.result();
        f.whenComplete((span, error) -> {
            synchronized (this) {
                // only the load still registered for the key (not one dropped or abandoned) enters memory
                if (loading.remove(key, load)) {
                    loadingBytes -= load.expectedBytes();
                    if (error == null && span != null) {
                        insert(key, span);
                    }
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
            pinnedBytes += span.bytes();
        } else {
            idle.put(key, span);
        }
        evict();
    }

    /** Ends one {@link #claim} of {@code key}; the last claim of a span still loading abandons its load. */
    void unclaim(Key key) {
        Load abandoned = null;
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
                pinnedBytes -= s.bytes();
                idle.put(key, s);
                evict();
            } else {
                Load l = loading.get(key);
                if (l != null && l.claimed()) {
                    loading.remove(key);
                    loadingBytes -= l.expectedBytes();
                    loadsAbandoned.increment();
                    abandoned = l;
                }
            }
        }
        if (abandoned != null) {
            // outside the lock: aborting runs the origin client's and the waiters' callbacks
            abandoned.token().abandon();
            abandoned.result().completeExceptionally(new java.util.concurrent.CancellationException(
                    "nobody waits for span " + key.span() + " of " + key.torrent() + " any more"));
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
            for (Iterator<Map.Entry<Key, Load>> it = loading.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Key, Load> e = it.next();
                if (e.getKey().torrent().equals(torrent)) {
                    loadingBytes -= e.getValue().expectedBytes();
                    it.remove();
                }
            }
            for (Map<Key, Span> m : List.of(idle, pinned)) {
                Iterator<Map.Entry<Key, Span>> it = m.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<Key, Span> e = it.next();
                    if (e.getKey().torrent().equals(torrent)) {
                        bytes -= e.getValue().bytes();
                        if (m == pinned) {
                            pinnedBytes -= e.getValue().bytes();
                        }
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
                evictions.sum(), disk.bytes(), disk.maxBytes(), pinnedBytes, pinsRefused.sum(), loadsAbandoned.sum());
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
     * @param pinnedBytes   bytes of the spans with claims (within {@code memoryMax})
     * @param pinsRefused   claims refused because pinned and loading spans filled the memory size
     * @param loadsAbandoned loads given up because every claim on them ended first (cancelled requests)
     */
    public record Counters(long memoryBytes, long memoryMax, int spans, int pinnedSpans, int claims, int pendingLoads,
                           long evictions, long diskBytes, long diskMax, long pinnedBytes, long pinsRefused,
                           long loadsAbandoned) {
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
            pinnedBytes = 0;
            loadingBytes = 0;
        }
        disk.close();
    }
}
