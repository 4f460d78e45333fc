package io.github.torrenthttpbridge.storage;

import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.torrenthttpbridge.origin.OriginClient;
import io.github.torrenthttpbridge.origin.OriginClientConfig;
import io.github.torrenthttpbridge.origin.OriginResource;
import io.github.torrenthttpbridge.testing.TestOrigin;
import io.github.torrenthttpbridge.torrent.ProgressListener;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;

/** Verified pieces over a real Jetty origin: sharing of fetches, batching, and verification failures. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VerifiedPieceSourceIT {
    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static TorrentMetadata torrent(byte[] data, int pieceSize) throws Exception {
        return TorrentCreator.create(new ByteArrayInputStream(data), data.length, "f.bin",
                TorrentCreator.Options.defaults().withPieceSize(pieceSize), ProgressListener.NONE);
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void concurrentReadersOfOnePieceShareOneOriginRequest() throws Exception {
        byte[] data = random(4 * 262_144, 1);
        TorrentMetadata t = torrent(data, 262_144);
        try (TestOrigin origin = new TestOrigin("f.bin", data);
             OriginClient client = new OriginClient(OriginClientConfig.defaults())) {
            OriginResource r = client.probe(origin.url(), data.length);
            int before = origin.rangeRequests();
            VerifiedPieceSource source = new VerifiedPieceSource(t, (o, l) -> client.fetchRange(r, o, l),
                    new PieceCache(64L << 20), 262_144, e -> { });
            int readers = 32;
            ExecutorService pool = Executors.newFixedThreadPool(readers);
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<ByteBuffer>> results = new ArrayList<>();
            List<java.util.concurrent.Future<CompletableFuture<ByteBuffer>>> submitted = new ArrayList<>();
            for (int i = 0; i < readers; i++) {
                submitted.add(pool.submit(() -> {
                    go.await();
                    return source.piece(2);
                }));
            }
            go.countDown();
            for (var f : submitted) {
                results.add(f.get());
            }
            for (var f : results) {
                assertArrayEquals(java.util.Arrays.copyOfRange(data, 2 * 262_144, 3 * 262_144), bytes(f.join()));
            }
            pool.shutdown();
            assertEquals(1, origin.rangeRequests() - before, "one origin request for " + readers + " readers");
            assertEquals(1, source.stats().piecesVerified());
            assertEquals(readers - 1, source.stats().cacheHits());
            source.piece(2).join();
            assertEquals(1, origin.rangeRequests() - before, "a cached piece costs no request");
        }
    }

    @Test
    void smallPiecesAreFetchedSeveralAtATime() throws Exception {
        byte[] data = random(64 * 16384 + 100, 2);
        TorrentMetadata t = torrent(data, 16384);
        try (TestOrigin origin = new TestOrigin("f.bin", data);
             OriginClient client = new OriginClient(OriginClientConfig.defaults())) {
            OriginResource r = client.probe(origin.url(), data.length);
            int before = origin.rangeRequests();
            VerifiedPieceSource source = new VerifiedPieceSource(t, (o, l) -> client.fetchRange(r, o, l),
                    new PieceCache(64L << 20), 256 * 1024, e -> { });
            assertEquals(16, source.spanPieces());
            for (int i = 0; i < t.pieceCount(); i++) {
                byte[] got = bytes(source.piece(i).join());
                assertArrayEquals(java.util.Arrays.copyOfRange(data, i * 16384, i * 16384 + t.pieceSize(i)), got, "piece " + i);
            }
            assertEquals(5, origin.rangeRequests() - before, "65 pieces in spans of 16");
            assertEquals(data.length, source.stats().originBytes());
        }
    }

    @Test
    void aPieceThatFailsVerificationIsNeverReturnedAndMarksTheTorrentStale() throws Exception {
        byte[] data = random(8 * 32768, 3);
        TorrentMetadata t = torrent(data, 32768);
        byte[] changed = data.clone();
        changed[3 * 32768 + 17] ^= 0x40;
        try (TestOrigin origin = new TestOrigin("f.bin", changed);
             OriginClient client = new OriginClient(OriginClientConfig.defaults())) {
            OriginResource r = client.probe(origin.url(), data.length);
            AtomicInteger staleCalls = new AtomicInteger();
            VerifiedPieceSource source = new VerifiedPieceSource(t, (o, l) -> client.fetchRange(r, o, l),
                    new PieceCache(64L << 20), 32768, e -> staleCalls.incrementAndGet());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 32768), bytes(source.piece(0).join()));
            var e = assertThrows(CompletionException.class, () -> source.piece(3).join());
            assertInstanceOf(PieceVerificationException.class, e.getCause());
            assertTrue(source.isStale());
            assertEquals(1, staleCalls.get());
            assertEquals(1, source.stats().verificationFailures());
            int before = origin.rangeRequests();
            var later = assertThrows(CompletionException.class, () -> source.piece(5).join());
            assertInstanceOf(StaleTorrentException.class, later.getCause());
            assertEquals(before, origin.rangeRequests(), "a stale torrent fetches nothing more");
            assertThrows(CompletionException.class, () -> source.piece(0).join(), "not even pieces that verified before");
        }
    }
}
