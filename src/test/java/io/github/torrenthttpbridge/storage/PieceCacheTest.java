package io.github.torrenthttpbridge.storage;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/** The memory tier: pinned spans stay within the bound, idle ones go eldest first, abandoned loads stop, nothing leaks. */
class PieceCacheTest {
    static final int SPAN = 1 << 20;

    static PieceCache.Key key(int span) {
        return new PieceCache.Key("t", span);
    }

    /** A loader that makes a span of {@link #SPAN} bytes and counts its calls. */
    static Supplier<CompletableFuture<PieceCache.Span>> loader(AtomicInteger loads) {
        return () -> {
            loads.incrementAndGet();
            return CompletableFuture.completedFuture(new PieceCache.Span(new byte[][] {new byte[SPAN]}, SPAN));
        };
    }

    @Test
    void pinnedSpansAreNeverEvictedAndNewSpansAreStillAdmitted() {
        PieceCache cache = new PieceCache(4L * SPAN);
        AtomicInteger loads = new AtomicInteger();
        // 8 spans claimed at once: twice the cache; every one stays while claimed
        for (int i = 0; i < 8; i++) {
            cache.claim(key(i), loader(loads), new boolean[1]).join();
        }
        assertEquals(8, loads.get());
        PieceCache.Counters c = cache.counters();
        assertEquals(8, c.pinnedSpans(), "claimed spans are pinned, even beyond the cache size");
        assertEquals(8L * SPAN, c.memoryBytes());
        for (int i = 0; i < 8; i++) {
            boolean[] loaded = new boolean[1];
            cache.claim(key(i), loader(loads), loaded).join();
            assertFalse(loaded[0], "span " + i + " was still in memory");
            cache.unclaim(key(i));
        }
        assertEquals(8, loads.get());
        // released: the eldest released go first, down to the cache size
        for (int i = 0; i < 8; i++) {
            cache.unclaim(key(i));
        }
        c = cache.counters();
        assertEquals(0, c.pinnedSpans());
        assertEquals(0, c.claims());
        assertEquals(4L * SPAN, c.memoryBytes());
        for (int i = 0; i < 4; i++) {
            assertFalse(cache.inMemory(key(i)), "span " + i + " (released first) was evicted");
        }
        for (int i = 4; i < 8; i++) {
            assertTrue(cache.inMemory(key(i)), "span " + i + " (released last) stayed");
        }
    }

    @Test
    void aFullCacheOfOftenReadSpansStillTakesNewOnes() {
        PieceCache cache = new PieceCache(2L * SPAN);
        AtomicInteger loads = new AtomicInteger();
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 2; i++) {
                cache.claim(key(i), loader(loads), new boolean[1]).join();
                cache.unclaim(key(i));
            }
        }
        assertEquals(2, loads.get());
        cache.claim(key(9), loader(loads), new boolean[1]).join();
        cache.unclaim(key(9));
        assertTrue(cache.inMemory(key(9)), "the new span was admitted (W-TinyLFU would have refused it)");
        assertEquals(2L * SPAN, cache.weightedSize());
    }

    @Test
    void concurrentClaimsShareOneLoadAndAFailedLoadLeavesNothing() {
        PieceCache cache = new PieceCache(4L * SPAN);
        CompletableFuture<PieceCache.Span> origin = new CompletableFuture<>();
        AtomicInteger loads = new AtomicInteger();
        Supplier<CompletableFuture<PieceCache.Span>> slow = () -> {
            loads.incrementAndGet();
            return origin;
        };
        CompletableFuture<PieceCache.Span> a = cache.claim(key(1), slow, new boolean[1]);
        CompletableFuture<PieceCache.Span> b = cache.claim(key(1), slow, new boolean[1]);
        assertSame(a, b);
        assertEquals(1, cache.counters().pendingLoads());
        origin.completeExceptionally(new RuntimeException("origin down"));
        assertThrows(CompletionException.class, a::join);
        cache.unclaim(key(1));
        cache.unclaim(key(1));
        PieceCache.Counters c = cache.counters();
        assertEquals(0, c.pendingLoads());
        assertEquals(0, c.claims());
        assertEquals(0, c.spans());
        assertEquals(0, c.memoryBytes());
        // the next claim loads again
        AtomicInteger again = new AtomicInteger();
        cache.claim(key(1), loader(again), new boolean[1]).join();
        assertEquals(1, again.get());
    }

    @Test
    void aLoadThatThrowsStillCompletes() {
        PieceCache cache = new PieceCache(SPAN);
        CompletableFuture<PieceCache.Span> f = cache.claim(key(1), () -> {
            throw new IllegalStateException("boom");
        }, new boolean[1]);
        assertThrows(CompletionException.class, f::join);
        cache.unclaim(key(1));
        assertEquals(0, cache.counters().pendingLoads());
        assertEquals(0, cache.counters().claims());
    }

    @Test
    void invalidatedLoadsDoNotComeBack() {
        PieceCache cache = new PieceCache(4L * SPAN);
        CompletableFuture<PieceCache.Span> origin = new CompletableFuture<>();
        CompletableFuture<PieceCache.Span> f = cache.claim(key(1), () -> origin, new boolean[1]);
        cache.invalidate("t");
        origin.complete(new PieceCache.Span(new byte[][] {new byte[SPAN]}, SPAN));
        f.join();
        cache.unclaim(key(1));
        assertFalse(cache.inMemory(key(1)), "a load finishing after its torrent was dropped is not kept");
        assertEquals(0, cache.weightedSize());
    }

    @Test
    void pinnedAndLoadingSpansAreInsideTheBoundSoAClaimBeyondItIsRefused() {
        PieceCache cache = new PieceCache(2L * SPAN);
        CompletableFuture<PieceCache.Span> origin = new CompletableFuture<>();
        java.util.function.Function<LoadToken, CompletableFuture<PieceCache.Span>> slow = t -> origin;
        assertNotNull(cache.claim(key(1), slow, new boolean[1], SPAN, true));
        assertNotNull(cache.claim(key(2), slow, new boolean[1], SPAN, true));
        assertNull(cache.claim(key(3), slow, new boolean[1], SPAN, true), "two spans loading fill the memory");
        assertEquals(1, cache.counters().pinsRefused());
        assertEquals(2, cache.counters().claims(), "the refused claim counts nothing");
        assertNotNull(cache.claim(key(1), slow, new boolean[1], SPAN, true), "joining a load under way is always allowed");
        origin.complete(new PieceCache.Span(new byte[][] {new byte[SPAN]}, SPAN));
        assertEquals(2L * SPAN, cache.counters().pinnedBytes());
        assertNull(cache.claim(key(3), slow, new boolean[1], SPAN, true), "two pinned spans fill it too");
        cache.unclaim(key(2));
        assertNotNull(cache.claim(key(3), t -> loader(new AtomicInteger()).get(), new boolean[1], SPAN, true),
                "once a span is released (now evictable) there is room");
    }

    @Test
    void theLastClaimOfALoadingSpanAbandonsItsLoad() {
        PieceCache cache = new PieceCache(4L * SPAN);
        CompletableFuture<PieceCache.Span> origin = new CompletableFuture<>();
        LoadToken[] token = new LoadToken[1];
        boolean[] aborted = {false};
        CompletableFuture<PieceCache.Span> f = cache.claim(key(1), t -> {
            token[0] = t;
            t.onAbandon(() -> aborted[0] = true);
            return origin;
        }, new boolean[1], SPAN, true);
        cache.claim(key(1), t -> origin, new boolean[1], SPAN, true);
        cache.unclaim(key(1));
        assertFalse(aborted[0], "one claim is left: the load goes on");
        cache.unclaim(key(1));
        assertTrue(aborted[0], "nobody waits: the origin fetch is aborted");
        assertTrue(f.isCompletedExceptionally());
        PieceCache.Counters c = cache.counters();
        assertEquals(1, c.loadsAbandoned());
        assertEquals(0, c.pendingLoads());
        assertEquals(0, c.claims());
        origin.complete(new PieceCache.Span(new byte[][] {new byte[SPAN]}, SPAN));
        assertFalse(cache.inMemory(key(1)), "an abandoned load that finishes anyway is not kept");
        assertEquals(0, cache.weightedSize());
    }

    @Test
    void aReadAheadIsNotAbandonedAndNotStartedBeyondTheBound() {
        PieceCache cache = new PieceCache(SPAN);
        CompletableFuture<PieceCache.Span> origin = new CompletableFuture<>();
        assertTrue(cache.prefetch(key(1), () -> origin, SPAN));
        assertFalse(cache.prefetch(key(2), () -> origin, SPAN), "no room for a second read-ahead");
        cache.claim(key(1), t -> origin, new boolean[1], SPAN, true);
        cache.unclaim(key(1));
        assertEquals(0, cache.counters().loadsAbandoned(), "a read-ahead someone joined and left still completes");
        origin.complete(new PieceCache.Span(new byte[][] {new byte[SPAN]}, SPAN));
        assertTrue(cache.inMemory(key(1)));
    }
}
