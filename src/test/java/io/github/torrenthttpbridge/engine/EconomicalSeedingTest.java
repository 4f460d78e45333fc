package io.github.torrenthttpbridge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Economical seeding on the wire: the seed poses as empty (Have None), shows each peer a few pieces no other peer has
 * or is being sent, shows more as the peer gets them, and serves an isolated or late peer whatever it lacks; a peer
 * that completes is counted, and whether finished peers stay or leave is learnt.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EconomicalSeedingTest {
    static final int PIECE = 16 * 1024;
    static final int PIECES = 256;
    WireEngine engine;
    MemoryPieces pieces;
    SeedTorrent torrent;

    @BeforeEach
    void start() {
        engine = new WireEngine(MemoryPieces.config(100, 8).withSeeding(SeedingMode.ECONOMICAL));
        engine.start();
        pieces = new MemoryPieces(PIECES * PIECE, PIECE, 7);
        torrent = (SeedTorrent) engine.seed(pieces.torrent, pieces, List.of());
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private WirePeer peer(boolean fast) {
        WirePeer p = new WirePeer(engine, pieces);
        p.send(p.handshakeBytes(fast, false));
        return p;
    }

    private static Set<Integer> haves(WirePeer p) {
        Set<Integer> out = new HashSet<>();
        for (ByteBuffer m : p.messages(Wire.HAVE)) {
            out.add(m.getInt(0));
        }
        return out;
    }

    private static void have(WirePeer p, int piece) {
        p.message(Wire.HAVE, ByteBuffer.allocate(4).putInt(piece).flip());
    }

    private static void tick(WirePeer p, long now) {
        synchronized (p.conn) {
            p.conn.session().tick(now);
        }
    }

    @Test
    void theSeedPosesAsEmptyAndShowsEachPeerPiecesNoOtherPeerIsSent() {
        int shown = PeerPieces.MAX_SHOWN;   // 1 MiB of 16 KiB pieces
        WirePeer a = peer(true);
        WirePeer b = peer(false);
        Set<Integer> ha = new HashSet<>();
        // a fast peer is told Have None first; nobody is told Have All or sent a full bitfield
        WirePeer fresh = new WirePeer(engine, pieces);
        fresh.send(fresh.handshakeBytes(true, false));
        ByteBuffer none = fresh.awaitMessage(Wire.HAVE_NONE);
        assertEquals(0, none.remaining());
        fresh.conn.close("test");

        ha.addAll(haves(a));
        Set<Integer> hb = haves(b);
        assertEquals(shown, ha.size(), "a few pieces shown to a");
        assertEquals(shown, hb.size(), "a few pieces shown to b, which has no fast extension (no bitfield either)");
        Set<Integer> both = new HashSet<>(ha);
        both.retainAll(hb);
        assertEquals(Set.of(), both, "no piece is shown to two peers while the swarm lacks pieces");

        // a gets one of its pieces: it is shown one more, again one nobody has
        int got = ha.iterator().next();
        have(a, got);
        Set<Integer> more = haves(a);
        assertEquals(1, more.size());
        int next = more.iterator().next();
        assertFalse(ha.contains(next) || hb.contains(next), "a new piece, not one on its way to anyone");
        // b learns of the piece a has only from a: the seed does not show it to b
        assertEquals(1, torrent.swarm.holders(got));
        assertTrue(a.conn.isActive() && b.conn.isActive());
        a.conn.close("test");
        b.conn.close("test");
        assertEquals(PIECES, torrent.swarm.unsent(), "the peers gone, every piece is unsent again");
        assertFalse(torrent.swarm.active(), "and the per-piece counts are freed");
        assertEquals(0, pieces.claims.get());
    }

    @Test
    void aPeerServedAShownPieceIsShownAnotherEvenIfItNeverSaysHave() {
        // Transmission and rtorrent do not send Have for a piece to a peer that has it: what we wrote is what it has
        WirePeer a = peer(true);
        Set<Integer> shown = haves(a);
        int piece = shown.iterator().next();
        a.message(Wire.INTERESTED, ByteBuffer.allocate(0));
        a.awaitMessage(Wire.UNCHOKE);
        a.message(Wire.REQUEST, ByteBuffer.allocate(12).putInt(piece).putInt(0).putInt(PIECE).flip());
        ByteBuffer block = a.awaitMessage(Wire.PIECE);
        assertEquals(piece, block.getInt());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Set<Integer> more = haves(a);
        while (more.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            more = haves(a);
        }
        assertEquals(1, more.size(), "one more piece shown once the whole piece was written");
        assertFalse(shown.containsAll(more));
        assertEquals(1, torrent.swarm.holders(piece), "and the swarm counts it as held");
        a.conn.close("test");
        assertEquals(0, pieces.claims.get());
    }

    @Test
    void onceEveryPieceIsOnItsWayOnlyAnIsolatedPeerIsShownMore() {
        List<WirePeer> peers = new ArrayList<>();
        List<Set<Integer>> shownTo = new ArrayList<>();
        Set<Integer> shown = new HashSet<>();
        for (int i = 0; i < PIECES / PeerPieces.MAX_SHOWN; i++) {
            WirePeer p = peer(true);
            shownTo.add(haves(p));
            shown.addAll(shownTo.get(i));
            peers.add(p);
        }
        assertEquals(PIECES, shown.size(), "each piece shown once, to one of the four peers");
        assertEquals(0, torrent.swarm.unsent());
        // the first peer gets every piece it was shown: nothing unsent is left to show it instead
        WirePeer first = peers.get(0);
        shownTo.get(0).forEach(i -> have(first, i));
        assertEquals(Set.of(), haves(first), "the others have the rest: it should get it from them");
        long now = System.nanoTime();
        tick(first, now);
        assertEquals(Set.of(), haves(first), "not isolated yet: nothing more");
        tick(first, now + PeerPieces.ISOLATED_NANOS + TimeUnit.SECONDS.toNanos(1));
        Set<Integer> rescue = haves(first);
        assertEquals(PeerPieces.MAX_SHOWN, rescue.size(), "nothing from the others for a while: shown a window of what it lacks");
        Set<Integer> rest = new HashSet<>(rescue);
        rescue.retainAll(shownTo.get(0));
        assertEquals(Set.of(), rescue, "pieces it lacks");
        tick(first, now + PeerPieces.UNTRADED_NANOS + TimeUnit.SECONDS.toNanos(1));
        rest.addAll(haves(first));
        assertEquals(PIECES - PeerPieces.MAX_SHOWN, rest.size(),
                "never a piece from another peer: shown everything it lacks, as a plain seed would");
        for (WirePeer p : peers) {
            p.conn.close("test");
        }
        assertFalse(torrent.swarm.active());
    }

    @Test
    void aPeerArrivingWhenTheSwarmHoldsEveryPieceIsShownPiecesAtOnce() {
        List<WirePeer> peers = new ArrayList<>();
        for (int i = 0; i < PIECES / PeerPieces.MAX_SHOWN; i++) {
            peers.add(peer(true));
            haves(peers.get(i));
        }
        assertEquals(0, torrent.swarm.unsent());
        WirePeer late = peer(true);
        assertEquals(PeerPieces.MAX_SHOWN, haves(late).size(), "a late peer gets pieces from the seed to trade with");
        late.conn.close("test");
        peers.forEach(p -> p.conn.close("test"));
    }

    @Test
    void aPeerThatCompletesIsCountedAndWhetherFinishedPeersStayIsLearnt() {
        WirePeer b = peer(true);
        haves(b);
        for (int i = 0; i < PIECES; i++) {
            have(b, i);
        }
        assertEquals(1, torrent.peersCompleted(), "counted once");
        have(b, 0);   // a repeated Have changes nothing
        assertEquals(1, torrent.peersCompleted());
        long now = System.nanoTime();
        assertFalse(torrent.swarm.staying(now) || torrent.swarm.leaving(now), "nothing known yet");
        b.conn.close("left as soon as it was done");
        assertTrue(torrent.swarm.leaving(System.nanoTime()), "the last finished peer left at once");
        assertFalse(torrent.swarm.staying(System.nanoTime()));

        WirePeer a = peer(true);
        haves(a);
        for (int i = 0; i < PIECES; i++) {
            have(a, i);
        }
        assertEquals(2, torrent.peersCompleted());
        long later = System.nanoTime() + SwarmPieces.STAY_NANOS + TimeUnit.SECONDS.toNanos(1);
        tick(a, later);
        assertTrue(a.conn.isClosedState(), "a completed peer that stayed: the seed-to-seed connection goes");
        assertTrue(torrent.swarm.staying(later), "the last finished peer stayed");
        assertFalse(torrent.swarm.leaving(later));
    }

    @Test
    void aSeedThatConnectsIsClosedAndNotCounted() {
        WirePeer s = new WirePeer(engine, pieces);
        s.send(s.handshakeBytes(false, false));
        byte[] bits = new byte[PIECES / 8];
        java.util.Arrays.fill(bits, (byte) 0xFF);
        s.message(Wire.BITFIELD, ByteBuffer.wrap(bits));
        assertTrue(s.conn.isClosedState());
        assertEquals(0, torrent.peersCompleted());
        assertFalse(torrent.swarm.active());
    }

    @Test
    void plainSeedingAnnouncesEverythingAndStillCountsCompletions() {
        engine.close();
        engine = new WireEngine(MemoryPieces.config(100, 8).withSeeding(SeedingMode.PLAIN));
        engine.start();
        torrent = (SeedTorrent) engine.seed(pieces.torrent, pieces, List.of());
        WirePeer a = peer(true);
        a.awaitMessage(Wire.HAVE_ALL);
        for (int i = 0; i < PIECES; i++) {
            have(a, i);
        }
        assertEquals(1, torrent.peersCompleted());
        assertFalse(torrent.swarm.active(), "plain seeding keeps no per-piece counts");
    }
}
