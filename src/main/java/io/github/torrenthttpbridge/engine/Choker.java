package io.github.torrenthttpbridge.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Upload slots shared by every torrent: an interested peer is unchoked at once while a slot is free, otherwise it
 * waits; every rotation, peers that have held a slot longest give it to those that have waited longest, so with more
 * interested peers than slots each still gets its turn. A peer whose request could not be served is choked and asked
 * back later; a peer that stops reading is choked (its slot freed). Methods called from a connection run under that
 * connection's lock and never take another connection's lock: slots freed there are handed on asynchronously.
 */
final class Choker {
    private final WireEngine engine;
    private final int slots;
    private final long minHoldNanos;
    private final AtomicInteger unchoked = new AtomicInteger();
    private final Set<PeerConnection> waiting = ConcurrentHashMap.newKeySet();
    private final Set<PeerConnection> holding = ConcurrentHashMap.newKeySet();
    final LongAdder chokedForOrigin = new LongAdder();

    Choker(WireEngine engine, int slots, long minHoldNanos) {
        this.engine = engine;
        this.slots = slots;
        this.minHoldNanos = minHoldNanos;
    }

    /** The peer became interested (its lock held). */
    void interested(PeerConnection c) {
        if (takeSlot()) {
            holding.add(c);
            c.session().unchoke();
        } else {
            waiting.add(c);
        }
    }

    /** The peer is no longer interested (its lock held): its slot goes to someone else. */
    void notInterested(PeerConnection c) {
        waiting.remove(c);
        chokeAndFree(c);
    }

    /** A request of this peer could not be served (its lock held): choke it now, invite it back later. */
    void couldNotServe(PeerConnection c) {
        if (c.session().choking()) {
            return;
        }
        chokedForOrigin.increment();
        chokeAndFree(c);
        engine.scheduler().schedule(() -> {
            synchronized (c) {
                if (!c.isClosedState() && c.session().interested() && c.session().choking()) {
                    interested(c);
                }
            }
        }, engine.originRetryDelayNanos(), TimeUnit.NANOSECONDS);
    }

    /** The peer does not read what we send (its lock held): its slot goes to someone who does. */
    void stalled(PeerConnection c) {
        if (chokeAndFree(c) && c.session().interested()) {
            waiting.add(c);
        }
    }

    /** The connection closed (its lock may be held). */
    void closed(PeerConnection c) {
        waiting.remove(c);
        if (holding.remove(c)) {
            unchoked.decrementAndGet();
            engine.executor().execute(this::fillFreeSlots);
        }
    }

    private boolean chokeAndFree(PeerConnection c) {
        if (c.session().choking()) {
            return false;
        }
        c.session().choke();
        if (holding.remove(c)) {
            unchoked.decrementAndGet();
            engine.executor().execute(this::fillFreeSlots);
        }
        return true;
    }

    private boolean takeSlot() {
        while (true) {
            int n = unchoked.get();
            if (n >= slots) {
                return false;
            }
            if (unchoked.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives free slots to the peers that have waited longest. Takes one connection's lock at a time. */
    void fillFreeSlots() {
        for (PeerConnection c : longestWaitingFirst()) {
            if (!takeSlot()) {
                return;
            }
            boolean given = false;
            synchronized (c) {
                if (waiting.remove(c) && !c.isClosedState() && c.session().interested() && c.session().choking()) {
                    holding.add(c);
                    c.session().unchoke();
                    given = true;
                }
            }
            if (!given) {
                unchoked.decrementAndGet();
            }
        }
    }

    /** Runs every few seconds: when peers wait, those holding a slot longest (past the minimum) make room. */
    void rotate() {
        fillFreeSlots();
        int want = waiting.size();
        if (want == 0) {
            return;
        }
        long now = System.nanoTime();
        List<PeerConnection> holders = new ArrayList<>(holding);
        holders.sort(Comparator.comparingLong(c -> c.session().unchokedAtNanos()));
        for (PeerConnection c : holders) {
            if (want == 0 || now - c.session().unchokedAtNanos() < minHoldNanos) {
                break;
            }
            synchronized (c) {
                if (holding.contains(c) && !c.isClosedState() && chokeAndFree(c)) {
                    if (c.session().interested()) {
                        waiting.add(c);
                    }
                    want--;
                }
            }
        }
    }

    private List<PeerConnection> longestWaitingFirst() {
        List<PeerConnection> list = new ArrayList<>(waiting);
        list.sort(Comparator.comparingLong(c -> c.session().waitingSinceNanos()));
        return list;
    }
}
