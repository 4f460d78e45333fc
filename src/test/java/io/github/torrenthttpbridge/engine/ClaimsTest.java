package io.github.torrenthttpbridge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import bt.net.InetPeer;
import bt.net.Peer;
import io.github.torrenthttpbridge.storage.PieceSource;
import org.junit.jupiter.api.Test;

/** Every piece() the engine makes is released exactly once, whichever way its request ends. */
class ClaimsTest {
    /** A piece source that records releases. */
    static final class Recording implements PieceSource {
        final List<Integer> released = new ArrayList<>();

        @Override
        public CompletableFuture<ByteBuffer> piece(int index) {
            return CompletableFuture.completedFuture(ByteBuffer.allocate(1));
        }

        @Override
        public synchronized void release(int index) {
            released.add(index);
        }
    }

    @Test
    void writtenCancelledGoneAndRemovedEachReleaseOnce() throws Exception {
        Claims claims = new Claims();
        Recording a = new Recording();
        Recording b = new Recording();
        Peer p1 = InetPeer.build(InetAddress.getLoopbackAddress(), 1001);
        Peer p2 = InetPeer.build(InetAddress.getLoopbackAddress(), 1002);
        Claims.Claim written = claims.open(a, p1, 1, 0, 16384);
        Claims.Claim cancelled = claims.open(a, p1, 2, 0, 16384);
        claims.open(a, p1, 2, 0, 16384);          // the same block asked again: stays until written or gone
        claims.open(a, p2, 3, 16384, 16384);      // gone with its peer
        claims.open(b, p1, 4, 0, 16384);          // gone with its torrent
        assertEquals(5, claims.open());
        written.release();
        written.release();
        assertEquals(List.of(1), a.released, "released once however often called");
        claims.cancelled(p1, 2, 0, 16384);
        assertEquals(List.of(1, 2), a.released, "a cancel releases one claim of that block");
        cancelled.release();
        assertEquals(2, a.released.size(), "the oldest was the one cancelled: its later write is not a second release");
        claims.cancelled(p1, 9, 0, 16384);        // a cancel for nothing outstanding
        assertEquals(2, a.released.size());
        claims.peerGone(p2);
        assertEquals(List.of(1, 2, 3), a.released);
        claims.sourceGone(b);
        assertEquals(List.of(4), b.released);
        claims.peerGone(p1);
        assertEquals(List.of(1, 2, 3, 2), a.released, "the peer's last claim went with it");
        assertEquals(0, claims.open());
    }
}
