package io.github.torrenthttpbridge.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.storage.PieceSource;
import io.github.torrenthttpbridge.torrent.Bencode;
import io.github.torrenthttpbridge.torrent.Fixtures;
import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * BitTorrent v2 on the engine's side of the wire, byte for byte, on an in-memory endpoint (as {@link PeerWireTest}):
 * a hybrid answers handshakes on either hash (plain and MSE), upgrades a v1 handshake carrying the v2 bit, serves
 * metadata and blocks under both; BEP 52 hash requests get hashes or a hash reject, a flood of them gets the peer
 * dropped, and a v1 torrent drops a peer that asks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class V2WireTest {
    WireEngine engine;
    TorrentMetadata hybrid;
    byte[] hybridData;
    TorrentMetadata big;
    MemoryPieces v1;

    @BeforeEach
    void start() throws Exception {
        engine = new WireEngine(new EngineConfig(InetAddress.getLoopbackAddress(), 0, false, 0, List.of(), false, 200, 50,
                4096, Duration.ofSeconds(30), 100, 0, 4).withBudgets(PeerBudgets.builder().sendBufferBytes(64 * 1024).build())
                .withSeeding(SeedingMode.PLAIN));
        engine.start();
        hybrid = TorrentMetadata.parse(Fixtures.resource("single-hybrid.torrent"));
        hybridData = Fixtures.content("one.bin", 102_403);
        engine.seed(hybrid, index -> CompletableFuture.completedFuture(
                ByteBuffer.wrap(hybridData, (int) hybrid.pieceOffset(index), hybrid.pieceSize(index)).slice()), List.of());
        big = HashServerTest.syntheticV2(1281, 32 * 1024, 3);
        PieceSource none = index -> CompletableFuture.failedFuture(new IllegalStateException("no data in this test"));
        engine.seed(big, none, List.of());
        v1 = new MemoryPieces(100_000, 32 * 1024, 7);
        engine.seed(v1.torrent, v1, List.of());
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    static InfoHash v2(TorrentMetadata t) {
        return InfoHash.of(Arrays.copyOf(t.v2InfoHash().orElseThrow(), 20));
    }

    /** A peer on the far side of an in-memory endpoint. */
    final class Peer {
        final ByteArrayEndPoint ep;
        final PeerConnection conn;
        final ByteBuffer received = ByteBuffer.allocate(4 << 20).flip();
        byte[] handshake;

        Peer() {
            this(true);
        }

        /** {@code reads} false: a peer whose socket buffer is full (the endpoint takes 1 KiB, then writes stall). */
        Peer(boolean reads) {
            ep = reads ? new ByteArrayEndPoint(engine.scheduler(), 60_000)
                    : new ByteArrayEndPoint(engine.scheduler(), 60_000, null, 1024, false);
            conn = new PeerConnection(ep, engine, null);
            ep.setConnection(conn);
            ep.onOpen();
            conn.onOpen();
        }

        void send(byte[] bytes) {
            ep.addInput(ByteBuffer.wrap(bytes.clone()));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (ep.hasMore() && !conn.isClosedState() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            synchronized (conn) {
                // the reader fills and processes under this lock: once we hold it, the input has been handled
            }
        }

        void message(int id, byte[] payload) {
            send(ByteBuffer.allocate(5 + payload.length).putInt(1 + payload.length).put((byte) id).put(payload).array());
        }

        void handshake(InfoHash hash, boolean v2Bit) {
            byte[] reserved = new byte[8];
            reserved[5] |= Wire.RESERVED_EXTENSION_BIT;
            reserved[7] |= Wire.RESERVED_FAST_BIT | (v2Bit ? Wire.RESERVED_V2_BIT : 0);
            send(ByteBuffer.allocate(68).put((byte) 19).put(Wire.PROTOCOL).put(reserved).put(hash.bytes())
                    .put("-XX0001-testpeer0001".getBytes(StandardCharsets.US_ASCII)).array());
        }

        /** Reads what the engine sent; the first call also takes its 68-byte handshake into {@link #handshake}. */
        void drain() {
            ByteBuffer out = ep.takeOutput();
            received.compact().put(out).flip();
            if (handshake == null && received.remaining() >= 68) {
                handshake = new byte[68];
                received.get(handshake);
            }
        }

        /** The payload (after the id) of the next message with {@code id}, skipping others. */
        ByteBuffer awaitMessage(int id) {
            drain();
            while (received.remaining() >= 4) {
                int len = received.getInt(received.position());
                if (received.remaining() < 4 + len) {
                    break;
                }
                received.getInt();
                if (len == 0) {
                    continue;
                }
                ByteBuffer m = received.slice(received.position(), len);
                received.position(received.position() + len);
                if ((m.get(0) & 0xFF) == id) {
                    return m.position(1).slice();
                }
            }
            throw new AssertionError("no message " + id + " in what the engine sent");
        }

        byte[] answeredHash() {
            drain();
            assertNotNull(handshake, "the engine answered the handshake");
            return Arrays.copyOfRange(handshake, 28, 48);
        }
    }

    static byte[] hashRequest(byte[] root, int base, int index, int length, int proof) {
        return ByteBuffer.allocate(48).put(root).putInt(base).putInt(index).putInt(length).putInt(proof).array();
    }

    @Test
    void aHybridAnswersOnEitherHashAndUpgradesAV1HandshakeWithTheV2Bit() {
        InfoHash v1hash = hybrid.infoHash();
        InfoHash v2hash = v2(hybrid);
        assertEquals(List.of(v1hash, v2hash), hybrid.swarmHashes());
        Object[][] cases = {{v1hash, false, v1hash}, {v2hash, false, v2hash}, {v2hash, true, v2hash}, {v1hash, true, v2hash}};
        for (Object[] c : cases) {
            Peer p = new Peer();
            p.handshake((InfoHash) c[0], (Boolean) c[1]);
            assertTrue(p.conn.isActive(), Arrays.toString(c));
            assertArrayEquals(((InfoHash) c[2]).bytes(), p.answeredHash(), "named " + c[0] + " v2 bit " + c[1]);
            assertTrue((p.handshake[20 + 7] & Wire.RESERVED_V2_BIT) != 0, "our handshake has the v2 bit");
            p.awaitMessage(Wire.HAVE_ALL);
            p.message(Wire.INTERESTED, new byte[0]);
            p.awaitMessage(Wire.UNCHOKE);
            p.message(Wire.REQUEST, ByteBuffer.allocate(12).putInt(2).putInt(16384).putInt(16384).array());
            ByteBuffer block = p.awaitMessage(Wire.PIECE);
            assertEquals(2, block.getInt());
            block.getInt();
            byte[] got = new byte[block.remaining()];
            block.get(got);
            assertArrayEquals(Arrays.copyOfRange(hybridData, 2 * 32768 + 16384, 3 * 32768), got);
            p.conn.close("done");
        }
        Peer v1peer = new Peer();
        v1peer.handshake(v1.torrent.infoHash(), false);
        assertTrue((v1peer.answeredHash().length == 20) && (v1peer.handshake[27] & Wire.RESERVED_V2_BIT) == 0,
                "no v2 bit for a v1 torrent");
    }

    @Test
    void metadataUnderTheV2HashIsTheSameInfoDictionary() {
        Peer p = new Peer();
        p.handshake(v2(hybrid), false);
        p.awaitMessage(Wire.EXTENDED);
        byte[] hs = Bencode.encode(Map.of("m", Map.of("ut_metadata", 3)));
        p.message(Wire.EXTENDED, ByteBuffer.allocate(1 + hs.length).put((byte) 0).put(hs).array());
        byte[] req = Bencode.encode(Map.of("msg_type", 0, "piece", 0));
        p.message(Wire.EXTENDED, ByteBuffer.allocate(1 + req.length).put((byte) ExtensionMessages.UT_METADATA).put(req).array());
        ByteBuffer reply = p.awaitMessage(Wire.EXTENDED);
        assertEquals(3, reply.get());
        byte[] rest = new byte[reply.remaining()];
        reply.get(rest);
        byte[] info = hybrid.infoBytes();
        assertArrayEquals(info, Arrays.copyOfRange(rest, rest.length - info.length, rest.length));
    }

    @Test
    void mseOnTheV2Hash() throws Exception {
        Peer p = new Peer();
        byte[] hs = ByteBuffer.allocate(68).put((byte) 19).put(Wire.PROTOCOL).put(new byte[8]).put(v2(hybrid).bytes())
                .put("-XX0001-testpeer0002".getBytes(StandardCharsets.US_ASCII)).array();
        MseHandshake initiator = MseHandshake.initiator(v2(hybrid).bytes(), MseHandshake.CRYPTO_PLAINTEXT, hs);
        p.send(toArray(initiator.start()));
        List<ByteBuffer> replies = new ArrayList<>();
        ByteBuffer fromEngine = ByteBuffer.allocate(1 << 16).flip();
        while (!initiator.isDone()) {
            ByteBuffer out = p.ep.takeOutput();
            boolean got = out.hasRemaining();
            fromEngine.compact().put(out).flip();
            boolean done = initiator.process(fromEngine, replies);
            boolean sent = !replies.isEmpty();
            for (ByteBuffer r : replies) {
                p.send(toArray(r));
            }
            replies.clear();
            if (!done && !got && !sent) {
                throw new AssertionError("the MSE handshake stalled");
            }
        }
        p.received.compact().put(fromEngine).flip();
        assertArrayEquals(v2(hybrid).bytes(), p.answeredHash(), "found by HASH('req2', v2 hash), answered on it");
        assertTrue(p.conn.isActive());
    }

    @Test
    void hashRequestsAreAnsweredFromThePieceLayer() {
        Peer p = new Peer();
        p.handshake(v2(big), false);
        byte[] root = big.files().get(0).piecesRoot();
        byte[] req = hashRequest(root, 1, 512, 512, 9);
        p.message(Wire.HASH_REQUEST, req);
        ByteBuffer hashes = p.awaitMessage(Wire.HASHES);
        byte[] header = new byte[48];
        hashes.get(header);
        assertArrayEquals(req, header, "the request's fields echoed");
        byte[] body = new byte[hashes.remaining()];
        hashes.get(body);
        assertArrayEquals(new HashServer(big).answer(root, 0, 1, 512, 512, 9), body);
        assertEquals(513 * 32, body.length);
        byte[] layer = big.pieceLayer(0).orElseThrow();
        assertArrayEquals(Arrays.copyOfRange(layer, 512 * 32, 1024 * 32), Arrays.copyOf(body, 512 * 32));

        byte[] bad = hashRequest(root, 1, 3, 512, 9);
        p.message(Wire.HASH_REQUEST, bad);
        ByteBuffer reject = p.awaitMessage(Wire.HASH_REJECT);
        byte[] echoed = new byte[48];
        reject.get(echoed);
        assertArrayEquals(bad, echoed);
        assertTrue(p.conn.isActive(), "a bad hash request is rejected, not a reason to disconnect");
        assertEquals(0, engine.peersDropped());
    }

    @Test
    void aHashRequestOfTheWrongSizeOrForAV1TorrentIsDropped() {
        Peer p = new Peer();
        p.handshake(v2(big), false);
        p.message(Wire.HASH_REQUEST, new byte[47]);
        assertTrue(p.conn.isClosedState(), "47-byte hash request");
        Peer q = new Peer();
        q.handshake(v1.torrent.infoHash(), false);
        q.message(Wire.HASH_REQUEST, hashRequest(new byte[32], 1, 0, 2, 0));
        assertTrue(q.conn.isClosedState(), "hash request for a v1 torrent");
        assertEquals(2, engine.peersDropped());
    }

    @Test
    void aPeerThatAsksForHashesFasterThanItReadsIsNoLongerRead() throws Exception {
        Peer p = new Peer(false);
        p.handshake(v2(big), false);
        byte[] req = hashRequest(big.files().get(0).piecesRoot(), 1, 0, 512, 10);
        ByteBuffer all = ByteBuffer.allocate(1000 * (5 + req.length));
        for (int i = 0; i < 1000; i++) {
            all.putInt(1 + req.length).put((byte) Wire.HASH_REQUEST).put(req);
        }
        p.ep.addInput(all.flip());   // nothing read back: the send queue fills (64 KiB), then the bridge stops reading
        long queued = -1;
        for (int i = 0; i < 50; i++) {
            Thread.sleep(20);
            synchronized (p.conn) {
                queued = p.conn.out.queuedBytes();
            }
        }
        assertTrue(p.conn.isPaused(), "the requests beyond the send budget wait in the peer's socket, not in our memory");
        assertTrue(queued >= 64 * 1024, "the send queue is full: " + queued);
        assertTrue(queued <= 64 * 1024 + 20 * 1024, "at most one answer beyond the 64 KiB budget: " + queued);
        assertTrue(p.conn.isActive(), "held by backpressure (the stall timer drops it later), not dropped at once");
        assertEquals(0, engine.peersDropped());
    }

    @Test
    void removingAHybridForgetsBothHashes() {
        engine.remove(v2(hybrid));
        for (InfoHash h : hybrid.swarmHashes()) {
            Peer p = new Peer();
            p.handshake(h, false);
            assertTrue(p.conn.isClosedState(), "not seeded any more under " + h);
        }
        engine.seed(hybrid, index -> CompletableFuture.failedFuture(new IllegalStateException()), List.of());
        Peer p = new Peer();
        p.handshake(v2(hybrid), false);
        assertTrue(p.conn.isActive(), "seeded again under both hashes");
    }

    /** The engine dials with the hash it was given; the peer may answer a hybrid's v1 hash with the v2 one. */
    @Test
    void outgoingConnectionsUseTheHashTheyAreGiven() throws Exception {
        Object[][] cases = {{v2(hybrid), v2(hybrid), true}, {hybrid.infoHash(), hybrid.infoHash(), true},
                {hybrid.infoHash(), v2(hybrid), true}, {v2(hybrid), big.infoHash(), false}};
        for (Object[] c : cases) {
            try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                server.setSoTimeout(10_000);
                engine.connectTo((InfoHash) c[0], new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(),
                        server.getLocalPort()));
                try (java.net.Socket s = server.accept()) {
                    s.setSoTimeout(10_000);
                    byte[] hs = s.getInputStream().readNBytes(68);
                    assertArrayEquals(((InfoHash) c[0]).bytes(), Arrays.copyOfRange(hs, 28, 48), "dialled with " + c[0]);
                    assertTrue((hs[27] & Wire.RESERVED_V2_BIT) != 0, "the v2 bit");
                    byte[] reply = hs.clone();
                    reply[27] = (byte) Wire.RESERVED_FAST_BIT;
                    System.arraycopy(((InfoHash) c[1]).bytes(), 0, reply, 28, 20);
                    System.arraycopy("-XX0001-testpeer0003".getBytes(StandardCharsets.US_ASCII), 0, reply, 48, 20);
                    s.getOutputStream().write(reply);
                    byte[] next = s.getInputStream().readNBytes(5);
                    if ((Boolean) c[2]) {
                        assertEquals(5, next.length, "the engine goes on after a reply for " + c[1]);
                        assertEquals(Wire.HAVE_ALL, next[4], "have-all after the reply " + c[1]);
                    } else {
                        assertEquals(0, next.length, "closed: the reply names another torrent");
                    }
                }
            }
        }
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
