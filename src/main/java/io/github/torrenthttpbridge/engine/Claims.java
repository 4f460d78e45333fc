package io.github.torrenthttpbridge.engine;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import bt.net.Peer;
import io.github.torrenthttpbridge.storage.PieceSource;

/**
 * The {@link PieceSource#piece} calls the engine has made and not yet matched with their {@link PieceSource#release}:
 * each one is released exactly once, when its block is written, refused, cancelled by the peer, when the peer's
 * connection closes, or when its torrent is removed (Bt never tells about blocks it drops for a gone peer, so the
 * last two are what keeps pieces from staying pinned for good).
 */
final class Claims {
    private final Map<Peer, LinkedHashSet<Claim>> byPeer = new IdentityHashMap<>();
    private final AtomicInteger open = new AtomicInteger();

    /** One piece call for one block request of one peer. */
    final class Claim {
        final PieceSource source;
        final Peer peer;
        final int piece;
        final int offset;
        final int length;
        private final AtomicBoolean released = new AtomicBoolean();

        private Claim(PieceSource source, Peer peer, int piece, int offset, int length) {
            this.source = source;
            this.peer = peer;
            this.piece = piece;
            this.offset = offset;
            this.length = length;
        }

        /** Releases the piece, the first time only. */
        void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            synchronized (byPeer) {
                LinkedHashSet<Claim> set = byPeer.get(peer);
                if (set != null && set.remove(this) && set.isEmpty()) {
                    byPeer.remove(peer);
                }
            }
            open.decrementAndGet();
            source.release(piece);
        }
    }

    /** Records a claim; call it right after {@code source.piece(piece)}. */
    Claim open(PieceSource source, Peer peer, int piece, int offset, int length) {
        Claim c = new Claim(source, peer, piece, offset, length);
        open.incrementAndGet();
        synchronized (byPeer) {
            byPeer.computeIfAbsent(peer, p -> new LinkedHashSet<>()).add(c);
        }
        return c;
    }

    /** The peer cancelled a request: Bt drops the block unwritten, so its oldest open claim for it is released. */
    void cancelled(Peer peer, int piece, int offset, int length) {
        Claim found = null;
        synchronized (byPeer) {
            LinkedHashSet<Claim> set = byPeer.get(peer);
            if (set != null) {
                for (Claim c : set) {
                    if (c.piece == piece && c.offset == offset && c.length == length) {
                        found = c;
                        break;
                    }
                }
            }
        }
        if (found != null) {
            found.release();
        }
    }

    /** The peer's connection closed: none of its blocks will be written. */
    void peerGone(Peer peer) {
        List<Claim> all;
        synchronized (byPeer) {
            LinkedHashSet<Claim> set = byPeer.remove(peer);
            all = set == null ? List.of() : new ArrayList<>(set);
        }
        all.forEach(Claim::release);
    }

    /** The torrent read through {@code source} is no longer seeded. */
    void sourceGone(PieceSource source) {
        List<Claim> all = new ArrayList<>();
        synchronized (byPeer) {
            for (LinkedHashSet<Claim> set : byPeer.values()) {
                for (Iterator<Claim> it = set.iterator(); it.hasNext(); ) {
                    Claim c = it.next();
                    if (c.source == source) {
                        all.add(c);
                    }
                }
            }
        }
        all.forEach(Claim::release);
    }

    /** Claims not yet released (0 once no request is outstanding). */
    int open() {
        return open.get();
    }
}
