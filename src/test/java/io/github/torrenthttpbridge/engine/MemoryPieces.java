package io.github.torrenthttpbridge.engine;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.torrenthttpbridge.storage.PieceSource;
import io.github.torrenthttpbridge.torrent.ProgressListener;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/** Test pieces held in memory, with a count of claims not yet released (which must end at zero). */
class MemoryPieces implements PieceSource {
    final byte[] data;
    final TorrentMetadata torrent;
    final AtomicInteger claims = new AtomicInteger();
    /** When set, piece futures stay pending until completed by the test. */
    volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

    MemoryPieces(int size, int pieceSize, long seed) {
        data = new byte[size];
        new Random(seed).nextBytes(data);
        try {
            torrent = TorrentCreator.create(new ByteArrayInputStream(data), size, "mem" + seed + ".bin",
                    TorrentCreator.Options.defaults().withPieceSize(pieceSize), ProgressListener.NONE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public CompletableFuture<ByteBuffer> piece(int index) {
        claims.incrementAndGet();
        int from = (int) torrent.pieceOffset(index);
        ByteBuffer b = ByteBuffer.wrap(data, from, torrent.pieceSize(index)).slice().asReadOnlyBuffer();
        return gate.thenApply(v -> b);
    }

    @Override
    public void release(int index) {
        claims.decrementAndGet();
    }

    /** A loopback engine that seeds plainly (every piece announced at once: the wire tests' ground). */
    static EngineConfig config(int maxOutstanding, int slots) {
        return new EngineConfig(InetAddress.getLoopbackAddress(), 0, false, 0, List.of(), false, 200, 50, 4096,
                Duration.ofSeconds(30), maxOutstanding, 0, slots).withSeeding(SeedingMode.PLAIN);
    }
}
