package io.github.torrenthttpbridge.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.torrent.Bencode;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine's side of the wire, byte for byte, on an in-memory endpoint: handshakes (plain and MSE in both crypto
 * modes) arriving one byte at a time, choking, requests, cancels, metadata exchange, and the protocol violations that
 * get a peer dropped. Every piece claim is released by the end.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerWireTest {
    static final int PIECE = 32 * 1024;
    WireEngine engine;
    MemoryPieces pieces;

    @BeforeEach
    void start() {
        engine = new WireEngine(MemoryPieces.config(100, 4));
        engine.start();
        pieces = new MemoryPieces(5 * PIECE + 1000, PIECE, 1);
        engine.seed(pieces.torrent, pieces, List.of());
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    /** A {@link WirePeer} of this test's engine and pieces. */
    final class Peer extends WirePeer {
        Peer() {
            super(PeerWireTest.this.engine, PeerWireTest.this.pieces);
        }
    }

    @Test
    void plainHandshakeByteByByteThenABlock() {
        Peer p = new Peer();
        p.sendSlowly(p.handshakeBytes(true, true));
        assertTrue(p.conn.isActive());
        p.awaitMessage(Wire.HAVE_ALL);
        ByteBuffer ext = p.awaitMessage(Wire.EXTENDED);
        assertEquals(0, ext.get(0));
        p.sendSlowly(ByteBuffer.allocate(5).putInt(1).put((byte) Wire.INTERESTED).array());
        p.awaitMessage(Wire.UNCHOKE);
        p.sendSlowly(ByteBuffer.allocate(17).putInt(13).put((byte) Wire.REQUEST).putInt(2).putInt(16384).putInt(16384).array());
        ByteBuffer block = p.awaitMessage(Wire.PIECE);
        assertEquals(2, block.getInt());
        assertEquals(16384, block.getInt());
        byte[] got = new byte[block.remaining()];
        block.get(got);
        assertArrayEquals(Arrays.copyOfRange(pieces.data, 2 * PIECE + 16384, 3 * PIECE), got);
        p.conn.close("test over");
        assertEquals(0, pieces.claims.get(), "every claim released");
    }

    @Test
    void bitfieldForPeersWithoutTheFastExtension() {
        Peer p = new Peer();
        p.send(p.handshakeBytes(false, false));
        ByteBuffer bits = p.awaitMessage(Wire.BITFIELD);
        assertEquals(1, bits.remaining());   // 6 pieces
        assertEquals((byte) 0xFC, bits.get(0), "six bits set, spare bits clear");
    }

    @Test
    void aCancelledRequestIsNeverSentAndItsClaimReleased() {
        Peer p = new Peer();
        p.send(p.handshakeBytes(true, false));
        p.message(Wire.INTERESTED, ByteBuffer.allocate(0));
        p.awaitMessage(Wire.UNCHOKE);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        pieces.gate = gate;
        p.message(Wire.REQUEST, ByteBuffer.allocate(12).putInt(1).putInt(0).putInt(16384).flip());
        assertEquals(1, pieces.claims.get());
        p.message(Wire.CANCEL, ByteBuffer.allocate(12).putInt(1).putInt(0).putInt(16384).flip());
        assertEquals(0, pieces.claims.get());
        gate.complete(null);
        ByteBuffer out = p.output();
        assertFalse(containsMessage(out, Wire.PIECE), "a cancelled block is not sent");
        assertEquals(0, engine.pendingReads().availablePermits() - 4096, "the read permit came back");
    }

    @Test
    void metadataExchange() {
        Peer p = new Peer();
        p.send(p.handshakeBytes(true, true));
        p.awaitMessage(Wire.EXTENDED);
        byte[] hs = Bencode.encode(Map.of("m", Map.of("ut_metadata", 3)));
        p.message(Wire.EXTENDED, ByteBuffer.allocate(1 + hs.length).put((byte) 0).put(hs).flip());
        byte[] req = Bencode.encode(Map.of("msg_type", 0, "piece", 0));
        p.message(Wire.EXTENDED, ByteBuffer.allocate(1 + req.length).put((byte) ExtensionMessages.UT_METADATA).put(req).flip());
        ByteBuffer reply = p.awaitMessage(Wire.EXTENDED);
        assertEquals(3, reply.get(), "sent to the id the peer chose");
        byte[] rest = new byte[reply.remaining()];
        reply.get(rest);
        byte[] info = pieces.torrent.infoBytes();
        assertArrayEquals(info, Arrays.copyOfRange(rest, rest.length - info.length, rest.length));
    }

    @Test
    void protocolViolationsAreDropped() {
        List<byte[]> attacks = new ArrayList<>();
        attacks.add(ByteBuffer.allocate(5).putInt(1).put((byte) 0x42).array());                         // unknown id
        attacks.add(ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).put((byte) 7).array());            // huge length
        attacks.add(ByteBuffer.allocate(14).putInt(10).put((byte) 6).putInt(0).putInt(0).array());      // short request
        attacks.add(ByteBuffer.allocate(17).putInt(13).put((byte) 6).putInt(6).putInt(0).putInt(16384).array()); // no piece 6
        attacks.add(ByteBuffer.allocate(17).putInt(13).put((byte) 6).putInt(5).putInt(0).putInt(16384).array()); // past the end
        attacks.add(ByteBuffer.allocate(17).putInt(13).put((byte) 6).putInt(0).putInt(0).putInt(1 << 20).array()); // 1 MiB block
        long before = engine.peersDropped();
        for (byte[] attack : attacks) {
            Peer p = new Peer();
            p.send(p.handshakeBytes(false, false));
            p.message(Wire.INTERESTED, ByteBuffer.allocate(0));
            p.sendSlowly(attack);
            assertTrue(p.conn.isClosedState(), "dropped after " + Arrays.toString(Arrays.copyOf(attack, 5)));
        }
        assertEquals(attacks.size(), engine.peersDropped() - before);
        assertEquals(0, pieces.claims.get());
    }

    @Test
    void floodersAreDroppedAndTheirClaimsReleased() {
        Peer p = new Peer();
        p.send(p.handshakeBytes(false, false));
        p.message(Wire.INTERESTED, ByteBuffer.allocate(0));
        pieces.gate = new CompletableFuture<>();
        for (int i = 0; i < 101 && !p.conn.isClosedState(); i++) {
            p.message(Wire.REQUEST, ByteBuffer.allocate(12).putInt(i % 5).putInt(i / 5 * 16).putInt(16).flip());
        }
        assertTrue(p.conn.isClosedState(), "more than 100 outstanding requests");
        assertEquals(1, engine.peersDropped());
        assertEquals(0, pieces.claims.get());
    }

    /** A second engine with other budgets, seeding the same pieces (closed by the test). */
    private WireEngine engineWith(PeerBudgets budgets) {
        engine.close();
        engine = new WireEngine(MemoryPieces.config(100, 4).withBudgets(budgets));
        engine.start();
        engine.seed(pieces.torrent, pieces, List.of());
        return engine;
    }

    private Peer unchokedPeer() {
        Peer p = new Peer();
        p.send(p.handshakeBytes(true, false));
        p.message(Wire.INTERESTED, ByteBuffer.allocate(0));
        p.awaitMessage(Wire.UNCHOKE);
        return p;
    }

    private static ByteBuffer block(int piece, int begin) {
        return ByteBuffer.allocate(12).putInt(piece).putInt(begin).putInt(16384).flip();
    }

    @Test
    void requestsBeyondThePinnedBudgetWaitAsRequestsNotAsLoadedPieces() {
        engineWith(PeerBudgets.builder().pinnedBytesPerPeer(2L * PIECE).build());
        Peer p = unchokedPeer();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        pieces.gate = gate;
        for (int i = 0; i < 5; i++) {
            p.message(Wire.REQUEST, block(i, 0));
        }
        assertEquals(2, pieces.claims.get(), "two pieces' worth pinned; the other three requests wait unclaimed");
        gate.complete(null);
        pieces.gate = CompletableFuture.completedFuture(null);
        int served = 0;
        for (int i = 0; i < 5; i++) {
            p.awaitMessage(Wire.PIECE);
            served++;
        }
        assertEquals(5, served, "every waiting request is served once the earlier ones are written");
        assertEquals(0, pieces.claims.get());
    }

    @Test
    void aPeersOriginLoadsInFlightAreBounded() {
        engineWith(PeerBudgets.builder().originLoadsPerPeer(2).build());
        Peer p = unchokedPeer();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        pieces.gate = gate;
        for (int i = 0; i < 5; i++) {
            p.message(Wire.REQUEST, block(i, 0));
        }
        assertEquals(2, pieces.claims.get(), "two loads in flight; the rest wait as requests");
        p.conn.close("test over");
        assertEquals(0, pieces.claims.get(), "closing releases the claims and forgets the waiting requests");
        gate.complete(null);
    }

    @Test
    void aRequestUnansweredPastItsDeadlineIsRejectedAndItsClaimReleased() {
        Peer p = unchokedPeer();
        pieces.gate = new CompletableFuture<>();   // the origin never answers
        p.message(Wire.REQUEST, block(2, 0));
        assertEquals(1, pieces.claims.get());
        synchronized (p.conn) {
            p.conn.session().expireRequests(System.nanoTime() + PeerSession.REQUEST_DEADLINE_NANOS / 2);
        }
        assertEquals(1, pieces.claims.get(), "not yet due");
        synchronized (p.conn) {
            p.conn.session().expireRequests(System.nanoTime() + PeerSession.REQUEST_DEADLINE_NANOS + 1_000_000_000L);
        }
        assertEquals(0, pieces.claims.get(), "given up: the claim is released");
        assertTrue(containsMessage(p.output(), Wire.REJECT), "a fast peer is told, so it asks again");
        assertTrue(p.conn.isActive());
    }

    @Test
    void aPeerIsChargedForThePiecesItAsksForNotForTheSpansFetchedWithThem() {
        // the first claim of each piece "fetches" 10 MiB (a big span), as a store loading it would; the peer asks for
        // whole 32 KiB pieces one after another
        java.util.Set<Integer> loaded = new java.util.HashSet<>();
        MemoryPieces bigSpans = new MemoryPieces(5 * PIECE + 1000, PIECE, 2) {
            @Override
            public CompletableFuture<ByteBuffer> claim(int index, java.util.function.LongConsumer originBytes) {
                if (loaded.add(index)) {
                    originBytes.accept(10L << 20);
                }
                return piece(index);
            }
        };
        pieces = bigSpans;
        engineWith(PeerBudgets.builder().originRatio(1).originAllowanceBytes(2L * PIECE).build());
        Peer p = unchokedPeer();
        for (int i = 0; i < 5; i++) {
            p.message(Wire.REQUEST, block(i, 0));
            p.message(Wire.REQUEST, block(i, 16384));
            p.awaitMessage(Wire.PIECE);
            p.awaitMessage(Wire.PIECE);
        }
        assertEquals(Map.of(), engine.peersChokedByReason(), "an honest peer is charged a piece per piece it takes");
        assertTrue(p.conn.isActive());
        assertEquals(0, pieces.claims.get());
    }

    @Test
    void requestCancelChurnIsChoked() {
        Peer p = unchokedPeer();
        pieces.gate = new CompletableFuture<>();
        for (int i = 0; i <= PeerSession.CANCEL_ALLOWANCE && !p.conn.isClosedState(); i++) {
            p.message(Wire.REQUEST, block(i % 5, 0));
            p.message(Wire.CANCEL, block(i % 5, 0));
        }
        assertTrue(p.conn.isActive(), "choked first, not dropped");
        assertEquals(Map.of("origin_budget", 1L), engine.peersChokedByReason());
        assertTrue(containsMessage(p.output(), Wire.CHOKE), "the churner was told it is choked");
        assertEquals(0, pieces.claims.get());
    }

    @Test
    void metadataRequestsBeyondAFewPerBlockAreAFlood() {
        Peer p = new Peer();
        p.send(p.handshakeBytes(true, true));
        byte[] hs = Bencode.encode(Map.of("m", Map.of("ut_metadata", 3)));
        p.message(Wire.EXTENDED, ByteBuffer.allocate(1 + hs.length).put((byte) 0).put(hs).flip());
        byte[] req = Bencode.encode(Map.of("msg_type", 0, "piece", 0));
        int sent = 0;
        while (!p.conn.isClosedState() && sent < 100) {
            p.message(Wire.EXTENDED, ByteBuffer.allocate(1 + req.length).put((byte) ExtensionMessages.UT_METADATA).put(req).flip());
            sent++;
        }
        assertTrue(p.conn.isClosedState(), "dropped");
        assertEquals(3 * 1 + 8 + 1, sent, "the info dictionary has one block: 11 requests are allowed");
        assertEquals(Map.of("flood", 1L), engine.peersDroppedByReason());
    }

    @Test
    void theLeastUsefulPeerIsTheOneNotInterestedLongestThenTheOneIdleLongest() {
        Peer a = new Peer();
        a.send(a.handshakeBytes(true, false));   // never interested
        Peer b = unchokedPeer();                  // interested, asks for blocks
        b.message(Wire.REQUEST, block(0, 0));
        Peer c = new Peer();
        c.send(c.handshakeBytes(true, false));
        c.message(Wire.INTERESTED, ByteBuffer.allocate(0));
        c.message(Wire.NOT_INTERESTED, ByteBuffer.allocate(0));   // not interested since just now
        List<PeerConnection> all = List.of(b.conn, c.conn, a.conn);
        long now = System.nanoTime();
        assertEquals(null, WireEngine.leastUseful(all, now), "nobody is past the grace time yet");
        long later = now + WireEngine.EVICT_NOT_INTERESTED_NANOS + 1_000_000_000L;
        assertEquals(a.conn, WireEngine.leastUseful(all, later), "not interested the longest (since it connected)");
        assertEquals(c.conn, WireEngine.leastUseful(List.of(b.conn, c.conn), later), "then the other not interested one");
        assertEquals(null, WireEngine.leastUseful(List.of(b.conn), later), "an interested peer that asks is never evicted");
        assertEquals(b.conn, WireEngine.leastUseful(List.of(b.conn), now + WireEngine.EVICT_IDLE_NANOS + 1_000_000_000L),
                "unless it has asked for nothing for a minute");
    }

    @Test
    void mseHandshakesByteByByteInBothCryptoModes() throws Exception {
        for (int provide : new int[] {MseHandshake.CRYPTO_PLAINTEXT | MseHandshake.CRYPTO_RC4, MseHandshake.CRYPTO_RC4}) {
            Peer p = new Peer();
            MseHandshake initiator = MseHandshake.initiator(pieces.torrent.infoHash().bytes(), provide,
                    p.handshakeBytes(true, false));
            p.sendSlowly(toArray(initiator.start()));
            List<ByteBuffer> replies = new ArrayList<>();
            ByteBuffer fromEngine = ByteBuffer.allocate(1 << 16).flip();
            while (!initiator.isDone()) {
                ByteBuffer out = p.ep.takeOutput();
                boolean got = out.hasRemaining();
                fromEngine.compact().put(out).flip();
                boolean done = initiator.process(fromEngine, replies);
                boolean sent = !replies.isEmpty();
                for (ByteBuffer r : replies) {
                    p.sendSlowly(toArray(r));
                }
                replies.clear();
                if (!done && !got && !sent) {
                    throw new AssertionError("the MSE handshake stalled (provide " + provide + ")");
                }
            }
            boolean rc4 = provide == MseHandshake.CRYPTO_RC4;
            assertEquals(rc4 ? MseHandshake.Crypto.RC4 : MseHandshake.Crypto.PLAINTEXT, initiator.crypto(),
                    "plaintext when offered, RC4 when insisted on");
            if (rc4) {
                p.encrypt = initiator.encryptor();
                p.decrypt = initiator.decryptor();
                fromEngine = ByteBuffer.wrap(toArray(fromEngine));
                p.decrypt.apply(fromEngine.array(), 0, fromEngine.remaining());
            }
            p.received.compact().put(fromEngine).flip();
            p.awaitMessage(Wire.HAVE_ALL);
            p.sendSlowly(ByteBuffer.allocate(5).putInt(1).put((byte) Wire.INTERESTED).array());
            p.awaitMessage(Wire.UNCHOKE);
            p.send(ByteBuffer.allocate(17).putInt(13).put((byte) Wire.REQUEST).putInt(5).putInt(0).putInt(1000).array());
            ByteBuffer block = p.awaitMessage(Wire.PIECE);
            block.position(8);
            byte[] got = new byte[block.remaining()];
            block.get(got);
            assertArrayEquals(Arrays.copyOfRange(pieces.data, 5 * PIECE, 5 * PIECE + 1000), got, "provide " + provide);
            p.conn.close("done");
        }
        assertEquals(0, pieces.claims.get());
    }

    private static boolean containsMessage(ByteBuffer in, int id) {
        ByteBuffer b = in.duplicate();
        if (b.remaining() >= 68 && b.get(b.position()) == 19) {
            b.position(b.position() + 68);
        }
        while (b.remaining() >= 4) {
            int len = b.getInt();
            if (len == 0) {
                continue;
            }
            if ((b.get(b.position()) & 0xFF) == id) {
                return true;
            }
            b.position(b.position() + len);
        }
        return false;
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
