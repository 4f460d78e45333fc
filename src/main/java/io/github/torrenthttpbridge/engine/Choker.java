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
    private final java.util.Map<String, LongAdder> chokedBy = new ConcurrentHashMap<>();
    /** An unchoked peer that asks for nothing this long gives its slot to one that waits (snubbed). */
    static final long SNUB_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** A peer choked for what its requests cost the origin is asked back after this long. */
    static final long ORIGIN_BUDGET_CHOKE_NANOS = TimeUnit.SECONDS.toNanos(30);

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
        count("origin_failure");
        chokeAndFree(c);
        inviteBackLater(c, engine.originRetryDelayNanos());
    }

    /** The peer's requests made the origin send far more than it took (its lock held): choked, asked back later. */
    void overOriginBudget(PeerConnection c, String why) {
        if (c.session().choking()) {
            return;
        }
        count("origin_budget");
        org.slf4j.LoggerFactory.getLogger(Choker.class).debug("choking {}: {}", c.remoteName(), why);
        chokeAndFree(c);
        inviteBackLater(c, ORIGIN_BUDGET_CHOKE_NANOS);
    }

    private void inviteBackLater(PeerConnection c, long delayNanos) {
        engine.scheduler().schedule(() -> {
            synchronized (c) {
                if (!c.isClosedState() && c.session().interested() && c.session().choking()) {
                    interested(c);
                }
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void count(String reason) {
        chokedBy.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    java.util.Map<String, Long> chokedByReason() {
        return WireEngine.sums(chokedBy);
    }

    /** The peer does not read what we send (its lock held): its slot goes to someone who does. */
    void stalled(PeerConnection c) {
        if (chokeAndFree(c)) {
            count("not_reading");
            if (c.session().interested()) {
                waiting.add(c);
            }
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

    /**
     * Runs every few seconds: a peer that holds a slot and asks for nothing gives it up (snubbed: it waits again,
     * behind the others); when peers wait, those holding a slot longest (past the minimum) make room.
     */
    void rotate() {
        long t = System.nanoTime();
        for (PeerConnection c : waiting.isEmpty() ? List.<PeerConnection>of() : new ArrayList<>(holding)) {
            PeerSession s = c.session();
            if (t - s.unchokedAtNanos() < SNUB_NANOS || t - s.lastRequestNanos() < SNUB_NANOS) {
                continue;
            }
            synchronized (c) {
                if (holding.contains(c) && !c.isClosedState() && chokeAndFree(c)) {
                    count("snubbed");
                    if (c.session().interested()) {
                        waiting.add(c);
                    }
                }
            }
        }
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
