package io.github.torrenthttpbridge.engine;

import java.util.BitSet;

/**
 * What the connected peers of one torrent hold, and which pieces the seed has shown to a peer that does not have
 * them yet: the counts {@link SeedingMode#ECONOMICAL economical seeding} picks the pieces it reveals by. Its arrays
 * exist only while the torrent has peers (an idle torrent costs two fields). Thread-safe; every call is short.
 */
final class SwarmPieces {
    private final int pieces;
    /** Connected peers that have each piece. */
    private int[] holders;
    /** Peers each piece is revealed to that do not have it yet (it is on its way to the swarm). */
    private int[] shown;
    /** Pieces no connected peer has and none is being sent: what the seed should send next. */
    private int unsent;
    private int members;
    private int cursor;
    private int lackingCursor;
    /** Pieces held, summed over the connected peers. */
    private long held;
    /** A peer that completed and is still connected this long later stays to upload. */
    static final long STAY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    /** How long what completed peers did is remembered. */
    static final long MEMORY_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
    private volatile long lastLeftNanos;
    private volatile long lastStayedNanos;
    private volatile boolean everLeft;
    private volatile boolean everStayed;

    SwarmPieces(int pieces) {
        this.pieces = pieces;
    }

    /** A peer joins (before any of its pieces are counted). */
    synchronized void join() {
        if (members++ == 0) {
            holders = new int[pieces];
            shown = new int[pieces];
            unsent = pieces;
        }
    }

    /** A peer leaves: its pieces and the pieces revealed to it that it did not get are uncounted. */
    synchronized void leave(BitSet has, BitSet revealed) {
        if (holders == null) {
            return;
        }
        if (--members == 0) {
            holders = null;
            shown = null;
            held = 0;
            return;
        }
        for (int i = has.nextSetBit(0); i >= 0; i = has.nextSetBit(i + 1)) {
            holders[i]--;
            held--;
            becameUnsent(i);
        }
        for (int i = revealed.nextSetBit(0); i >= 0; i = revealed.nextSetBit(i + 1)) {
            if (!has.get(i)) {
                shown[i]--;
                becameUnsent(i);
            }
        }
    }

    /** A peer now has {@code piece}; {@code wasShown} when it was revealed to it (then it is no longer on its way). */
    synchronized void gained(int piece, boolean wasShown) {
        if (holders == null) {
            return;
        }
        boolean wasUnsent = holders[piece] == 0 && shown[piece] == 0;
        holders[piece]++;
        held++;
        if (wasShown) {
            shown[piece]--;
        }
        if (wasUnsent) {
            unsent--;
        }
    }

    private void becameUnsent(int i) {
        if (holders[i] == 0 && shown[i] == 0) {
            unsent++;
        }
    }

    /**
     * A piece no connected peer has and none is being sent, that the peer lacks and was not shown: marked shown and
     * returned; -1 when there is none. Searches on from where the last search ended, so sends spread over the file.
     */
    synchronized int takeUnsent(BitSet has, BitSet revealed) {
        if (holders == null || unsent == 0) {
            return -1;
        }
        for (int k = 0; k < pieces; k++) {
            int i = (cursor + k) % pieces;
            if (holders[i] == 0 && shown[i] == 0 && !has.get(i) && !revealed.get(i)) {
                cursor = (i + 1) % pieces;
                shown[i]++;
                unsent--;
                return i;
            }
        }
        return -1;
    }

    /**
     * The rarest piece (fewest holders, then fewest on the way) that the peer lacks and was not shown, marked shown;
     * -1 when it lacks nothing it was not shown. For a peer that gets nothing from the others.
     */
    synchronized int takeRarest(BitSet has, BitSet revealed) {
        if (holders == null) {
            return -1;
        }
        int best = -1;
        long bestKey = Long.MAX_VALUE;
        for (int k = 0; k < pieces; k++) {
            int i = (cursor + k) % pieces;
            if (has.get(i) || revealed.get(i)) {
                continue;
            }
            long key = ((long) holders[i] << 32) + shown[i];
            if (key < bestKey) {
                bestKey = key;
                best = i;
                if (key == 0) {
                    break;
                }
            }
        }
        if (best >= 0) {
            if (holders[best] == 0 && shown[best] == 0) {
                unsent--;
            }
            shown[best]++;
            cursor = (best + 1) % pieces;
        }
        return best;
    }

    /** A peer left within {@link #STAY_NANOS} of completing. */
    void left(long now) {
        lastLeftNanos = now;
        everLeft = true;
    }

    /** A peer stayed {@link #STAY_NANOS} after completing. */
    void stayed(long now) {
        lastStayedNanos = now;
        everStayed = true;
    }

    /**
     * Whether peers leave as soon as they are done (the last completed peer seen did, recently): then the swarm's own
     * uplinks shrink as it finishes, and the seed's spare cap goes to the rarest pieces peers lack.
     */
    boolean leaving(long now) {
        return everLeft && (!everStayed || lastLeftNanos - lastStayedNanos > 0) && now - lastLeftNanos < MEMORY_NANOS;
    }

    /** Whether finished peers stay to upload (the last completed peer seen did, recently). */
    boolean staying(long now) {
        return everStayed && (!everLeft || lastStayedNanos - lastLeftNanos > 0) && now - lastStayedNanos < MEMORY_NANOS;
    }

    /**
     * The next piece, from where the last search ended, that the peer lacks and was not shown, marked shown; -1 when
     * there is none. Amortized O(1) per piece over a run of calls (for a peer that is shown everything it lacks).
     */
    synchronized int takeLacking(BitSet has, BitSet revealed) {
        if (holders == null) {
            return -1;
        }
        for (int k = 0; k < pieces; k++) {
            int i = (lackingCursor + k) % pieces;
            if (!has.get(i) && !revealed.get(i)) {
                lackingCursor = (i + 1) % pieces;
                if (holders[i] == 0 && shown[i] == 0) {
                    unsent--;
                }
                shown[i]++;
                return i;
            }
        }
        return -1;
    }

    /** Connected peers that have {@code piece} (0 while the torrent has no peers). */
    synchronized int holders(int piece) {
        return holders == null ? 0 : holders[piece];
    }

    /** Pieces no connected peer has and none is on its way to (all of them while the torrent has no peers). */
    synchronized int unsent() {
        return holders == null ? pieces : unsent;
    }

    /** Whether one peer is all the torrent has. */
    synchronized boolean alone() {
        return members == 1;
    }

    /** Whether a peer holding {@code count} pieces is behind: at most the connected peers' average. */
    synchronized boolean behind(int count) {
        return members == 0 || (long) count * members <= held;
    }

    /** Whether the per-piece arrays are allocated (the torrent has peers). */
    synchronized boolean active() {
        return holders != null;
    }
}
