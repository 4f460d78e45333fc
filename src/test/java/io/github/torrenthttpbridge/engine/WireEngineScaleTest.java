package io.github.torrenthttpbridge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.storage.PieceSource;
import io.github.torrenthttpbridge.torrent.Bencode;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A torrent costs the engine no thread: registering 10,000 leaves the JVM's thread count where it was, and a peer
 * that names any one of them is answered at once.
 */
class WireEngineScaleTest {
    static final int TORRENTS = 10_000;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void tenThousandTorrentsNoThreadEach() throws Exception {
        try (WireEngine engine = new WireEngine(MemoryPieces.config(2048, 8))) {
            engine.start();
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            List<TorrentMetadata> torrents = new ArrayList<>();
            PieceSource none = new PieceSource() {
                @Override
                public CompletableFuture<ByteBuffer> piece(int index) {
                    return CompletableFuture.failedFuture(new IllegalStateException("not read in this test"));
                }
            };
            long start = System.nanoTime();
            for (int i = 0; i < TORRENTS; i++) {
                TorrentMetadata t = tiny(i);
                torrents.add(t);
                engine.seed(t, none, List.of());
            }
            double perTorrentMicros = (System.nanoTime() - start) / 1e3 / TORRENTS;
            int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
            System.out.printf("%d torrents registered, %.1f us each; threads %d -> %d%n", TORRENTS, perTorrentMicros,
                    threadsBefore, threadsAfter);
            assertTrue(threadsAfter <= threadsBefore + 2, "threads " + threadsBefore + " -> " + threadsAfter);

            TorrentMetadata pick = torrents.get(new Random().nextInt(TORRENTS));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), engine.port()), 2000);
                s.setSoTimeout(5000);
                ByteBuffer hs = ByteBuffer.allocate(68).put((byte) 19).put(Wire.PROTOCOL).put(new byte[8])
                        .put(pick.infoHash().bytes()).put("-XX0001-scaletest001".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(hs.array());
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] reply = new byte[68];
                in.readFully(reply);
                assertEquals(pick.infoHash(), io.github.torrenthttpbridge.torrent.InfoHash.of(
                        java.util.Arrays.copyOfRange(reply, 28, 48)));
                int len = in.readInt();
                assertEquals(Wire.BITFIELD, in.readUnsignedByte(), "the bitfield follows (length " + len + ")");
            }
        }
    }

    /** A one-piece torrent built directly (name i), so registering is what is measured, not hashing. */
    static TorrentMetadata tiny(int i) {
        java.util.Map<String, Object> info = new java.util.TreeMap<>();
        info.put("length", 16384L);
        info.put("name", "t" + i + ".bin");
        info.put("piece length", 16384L);
        byte[] hash = new byte[20];
        ByteBuffer.wrap(hash).putInt(i);
        info.put("pieces", hash);
        return TorrentMetadata.parse(Bencode.encode(java.util.Map.of("info", info)));
    }
}
