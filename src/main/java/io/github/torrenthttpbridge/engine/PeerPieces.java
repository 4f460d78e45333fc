package io.github.torrenthttpbridge.engine;

import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;

/**
 * One peer's pieces as it announces them (bitfield, Have, Have All/None) and, when seeding economically, which
 * pieces we have shown it. Plain seeding announces every piece at once. Economical seeding poses as having none
 * (BEP 6 Have None, or no bitfield) and keeps a few pieces shown to each peer that the peer lacks: pieces no
 * connected peer has and none is being sent first, so the seed sends each piece to the swarm about once and the
 * peers pass it on to each other (BEP 16's idea, without waiting for a piece to be passed on before showing the
 * next: the seed stays at its cap while the swarm lacks pieces). Once every piece is in the swarm, the seed sends a
 * peer pieces the others have only where they cannot carry them ({@link #needsTheSeed}): a peer with nobody to trade
 * with, a late arrival, and, once finished peers are seen to leave at once, the peers behind — then the rarest pieces it lacks. Whole pieces written to the peer count as its own, for clients that do not
 * announce what they know we have. Runs under the connection's lock.
 */
final class PeerPieces {
    /** A peer that gained no piece from the others this long is served whatever it lacks, rarest first. */
    static final long ISOLATED_NANOS = TimeUnit.SECONDS.toNanos(3);
    /**
     * A peer among others that never got a piece from any of them this long is taken for one that cannot reach them
     * (some clients never dial the peers a tracker names) and is shown everything, as by a plain seed. Longer than
     * {@link #ISOLATED_NANOS}: a swarm starting at once needs a few seconds before its peers have pieces to trade.
     */
    static final long UNTRADED_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * Shown pieces a peer may have on its way at once, at first: about {@link #SHOWN_BYTES}, at least 2, at most
     * {@link #MAX_SHOWN}; more for a peer that takes more ({@link #window()}). Enough to keep its requests going between two refills of its request queue (Transmission
     * refills three times a second: with 256 KiB shown it took 0.4 MiB/s).
     */
    static final int MIN_SHOWN = 2;
    /** Pieces shown at once to an isolated peer (each topping-up, after its pieces change and once a second). */
    static final int ISOLATED_BATCH = 1024;
    static final int MAX_SHOWN = 64;
    static final long SHOWN_BYTES = 1024 * 1024;
    /**
     * A peer that arrives when the swarm already holds every piece is shown the rarest pieces it lacks until it has
     * this share of them, unless finished peers are known to stay: the others are busy with each other and leave when
     * done, and with half the file the newcomer has something to trade.
     */
    static final double LATE_SHARE = 0.5;

    private final SeedTorrent torrent;
    private final SendQueue out;
    private final boolean economical;
    private final int pieceCount;
    private final int target;
    private final long pieceLength;
    /** Bytes written to the peer, halved once a second: about its last two seconds' worth. */
    private long recentBytes;
    private final BitSet has = new BitSet();
    private final BitSet revealed = new BitSet();
    /** Bytes of each shown piece written to the peer, until it has the piece. */
    private final java.util.Map<Integer, Integer> sent = new java.util.HashMap<>();
    private int hasCount;
    /** Pieces shown to the peer that it does not have yet. */
    private int onTheWay;
    private long lastGainNanos = System.nanoTime();
    private boolean joined;
    /** It got a piece from another peer at least once. */
    private boolean everGained;
    private boolean late;
    private boolean complete;
    private long completeNanos;
    private boolean stayReported;

    PeerPieces(SeedTorrent torrent, SendQueue out, SeedingMode mode) {
        this.torrent = torrent;
        this.out = out;
        this.pieceCount = torrent.meta.pieceCount();
        this.pieceLength = Math.max(1, torrent.meta.pieceLength());
        this.target = (int) Math.max(MIN_SHOWN, Math.min(MAX_SHOWN, (SHOWN_BYTES + pieceLength - 1) / pieceLength));
        // a torrent the first window would show whole is seeded plainly: showing its last piece with a Have makes
        // the peer see a seed it is not yet interested in, and libtorrent 2.0 then closes the connection as an
        // "uninteresting upload-only peer" (a one-piece torrent never downloaded: CrashRestartIT)
        this.economical = mode == SeedingMode.ECONOMICAL && pieceCount > target;
    }

    /** What we have, right after the handshakes: everything (plain), or nothing and then the first shown pieces. */
    void start(boolean fast) {
        if (!economical) {
            out.send(fast ? Wire.simple(Wire.HAVE_ALL) : Wire.fullBitfield(pieceCount));
            return;
        }
        // a peer arriving when the swarm already holds every piece competes with peers that have most of them
        late = torrent.swarm.active() && torrent.swarm.unsent() == 0;
        torrent.swarm.join();
        joined = true;
        if (fast) {
            out.send(Wire.simple(Wire.HAVE_NONE));   // BEP 6: a fast peer says what it has; no bitfield for none (BEP 3)
        }
        topUp(System.nanoTime());
    }

    /** The peer's bitfield (length already checked). True when the peer has every piece (it is a seed). */
    boolean bitfield(ByteBuffer m) {
        for (int i = 0; i < pieceCount; i++) {
            if ((m.get(1 + i / 8) & (0x80 >>> (i % 8))) != 0) {
                add(i);
            }
        }
        return settle();
    }

    /** A Have from the peer. True when it gave the peer its last piece. */
    boolean have(int index) {
        if (index < 0 || index >= pieceCount) {
            throw new PeerConnection.ProtocolException("have for piece " + index + " of " + pieceCount);
        }
        add(index);
        return settle();
    }

    /**
     * A block of {@code piece} was written to the peer. Once all of a shown piece is written the peer has it: clients
     * that do not send Have for a piece to a peer that has it (Transmission, rtorrent) never tell us. True when that
     * gave the peer its last piece.
     */
    boolean sent(int piece, int length) {
        recentBytes += length;
        if (has.get(piece)) {
            return false;
        }
        int n = sent.merge(piece, length, Integer::sum);
        if (n < torrent.meta.pieceSize(piece)) {
            return false;
        }
        add(piece);
        return settle();
    }

    private void add(int i) {
        if (has.get(i)) {
            return;
        }
        sent.remove(i);
        has.set(i);
        hasCount++;
        boolean wasShown = revealed.get(i);
        if (wasShown) {
            onTheWay--;
        } else {
            lastGainNanos = System.nanoTime();   // it got this one elsewhere: it trades with the others
            everGained = true;
        }
        if (joined) {
            torrent.swarm.gained(i, wasShown);
        }
    }

    /** After the peer's pieces changed: a peer that now has everything is counted (once), else shown more. */
    private boolean settle() {
        if (hasCount == pieceCount) {
            if (complete) {
                return false;
            }
            complete = true;
            completeNanos = System.nanoTime();
            return true;
        }
        topUp(System.nanoTime());
        return false;
    }

    /**
     * Economical seeding: shows the peer more pieces while fewer than a few are on their way to it — pieces the
     * swarm lacks, or, for an isolated peer, the rarest it lacks. Called after its pieces change and once a second.
     */
    void topUp(long now) {
        if (!economical || complete || out == null) {
            return;
        }
        if (torrent.swarm.alone() ? now - lastGainNanos > ISOLATED_NANOS : !everGained && now - lastGainNanos > UNTRADED_NANOS) {
            // nobody to trade with (the only peer left, or it never got a piece from another in 5 s): shown what
            // it lacks, as a plain seed would, a batch at a time (its own request scheduling then keeps it at the cap:
            // clients that ask for little at a time crawl through a small window)
            for (int n = 0; n < ISOLATED_BATCH; n++) {
                int p = torrent.swarm.takeLacking(has, revealed);
                if (p < 0) {
                    break;
                }
                revealed.set(p);
                onTheWay++;
                out.send(Wire.have(p));
            }
            return;
        }
        while (onTheWay < window()) {
            int p = torrent.swarm.takeUnsent(has, revealed);
            if (p < 0 && needsTheSeed(now)) {
                p = torrent.swarm.takeRarest(has, revealed);
            }
            if (p < 0) {
                return;
            }
            revealed.set(p);
            onTheWay++;
            out.send(Wire.have(p));
        }
    }

    /**
     * Whether the peer should get pieces the swarm already has from the seed: it gained nothing from the others for
     * {@link #ISOLATED_NANOS}; or peers leave as soon as they are done (the swarm's uplinks shrink as it finishes)
     * and it is behind (at most the average pieces): the seed's cap goes to the peers that would finish last;
     * or it arrived late and has less than {@link #LATE_SHARE} of the pieces, unless finished peers stay to upload.
     */
    private boolean needsTheSeed(long now) {
        return now - lastGainNanos > ISOLATED_NANOS || torrent.swarm.leaving(now) && torrent.swarm.behind(hasCount)
                || late && hasCount < pieceCount * LATE_SHARE && !torrent.swarm.staying(now);
    }

    /** Once a second: what the peer took longer ago counts half as much. */
    void decay() {
        recentBytes /= 2;
    }

    /**
     * Pieces the peer may have on their way: {@link #SHOWN_BYTES} worth, or what it took in about its last two seconds
     * if more (slow start: a fast peer alone with the seed, 500 MiB/s on loopback, is not held to a 1 MiB window).
     */
    private int window() {
        long bytes = Math.max(SHOWN_BYTES, recentBytes);
        return (int) Math.max(target, Math.min(pieceCount, (bytes + pieceLength - 1) / pieceLength));
    }

    /** Whether we announced {@code piece} to the peer (always, seeding plainly). */
    boolean shown(int piece) {
        return !economical || revealed.get(piece);
    }

    /** Pieces the peer announced. */
    int count() {
        return hasCount;
    }

    /** Pieces shown to the peer that it does not have yet. */
    int onTheWay() {
        return onTheWay;
    }

    /**
     * Once a second. True when the peer completed {@link SwarmPieces#STAY_NANOS} ago and is still here: it stays to
     * upload (the swarm learns it; the connection, seed to seed, can go).
     */
    boolean stayed(long now) {
        if (complete && !stayReported && now - completeNanos > SwarmPieces.STAY_NANOS) {
            stayReported = true;
            torrent.swarm.stayed(now);
            return true;
        }
        return false;
    }

    /** The peer went away: what it had and what was on its way to it no longer count for the swarm. */
    void closed() {
        if (complete && !stayReported) {
            torrent.swarm.left(System.nanoTime());   // it left as soon as it was done
        }
        if (joined) {
            joined = false;
            torrent.swarm.leave(has, revealed);
        }
    }
}
