package io.github.torrenthttpbridge.swarm;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.tracker.AnnounceRequest;
import io.github.torrenthttpbridge.tracker.AnnounceRequest.Event;
import io.github.torrenthttpbridge.tracker.AnnounceResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling behind {@link Announcer}: two priority queues of torrents ordered by when their next DHT and tracker
 * announce is due, two token buckets, two in-flight counts, and a queue of {@code stopped} events. {@link #tick()}
 * starts whatever is due and allowed; results come back on any thread and put the torrent back in its queue. All
 * state is guarded by this object's lock; backends are called outside it. Time comes from an injectable clock.
 */
final class AnnounceSchedule {
    private static final Logger LOG = LoggerFactory.getLogger(AnnounceSchedule.class);
    static final int MAX_STOPPED_QUEUE = 10_000;
    static final int MAX_SHARED_TIER_SETS = 4096;

    private final AnnouncerConfig config;
    private final Backends.Dht dht;
    private final Backends.Trackers trackers;
    private final int peerPort;
    /** Sent to trackers as {@code ip} when set (the announce address's host); read on the announcing threads. */
    volatile String announceIp;
    private final byte[] peerId;
    private final int key;
    /** When this schedule was made (clock millis): torrents added within the first-announce spread of it are spread. */
    private final long startedAt;
    private final LongSupplier clock;
    private final Random random;

    private final Map<InfoHash, Torrent> torrents = new HashMap<>();
    private final PriorityQueue<Torrent> dhtQueue = new PriorityQueue<>(Comparator.comparingLong(t -> t.dhtDue));
    private final PriorityQueue<Torrent> trackerQueue = new PriorityQueue<>(Comparator.comparingLong(t -> t.trackerDue));
    private final ArrayDeque<Stopped> stopped = new ArrayDeque<>();
    private final Map<List<List<String>>, String[][]> sharedTiers = new HashMap<>();
    private final TokenBucket dhtBucket;
    private final TokenBucket trackerBucket;
    private int dhtInFlight;
    private int trackerInFlight;
    private long dhtOk;
    private long dhtFailed;
    private long trackerOk;
    private long trackerFailed;
    private final LinkedHashMap<String, String> lastErrors = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > Announcer.MAX_ERROR_HOSTS;
        }
    };

    volatile BiConsumer<InfoHash, InetSocketAddress> peerSink = (h, a) -> { };
    volatile Predicate<String> skipTracker = url -> false;
    volatile ToLongFunction<InfoHash> uploaded = h -> 0;

    /** What is kept per torrent: about 100 bytes beside the info hash. */
    private static final class Torrent {
        final InfoHash hash;
        String[][] tiers;
        boolean tiersShared;
        int tier;
        int index;
        long dhtDue;
        long trackerDue;
        String announcedTo;
        byte failedRounds;
        byte dhtFailures;
        boolean removed;

        Torrent(InfoHash hash, String[][] tiers) {
            this.hash = hash;
            this.tiers = tiers;
            this.tiersShared = true;
        }
    }

    private record Stopped(InfoHash hash, String url) {
    }

    AnnounceSchedule(AnnouncerConfig config, Backends.Dht dht, Backends.Trackers trackers, int peerPort, byte[] peerId,
                     LongSupplier clock, Random random) {
        this.config = config;
        this.dht = dht;
        this.trackers = trackers;
        this.peerPort = peerPort;
        this.peerId = peerId.clone();
        this.clock = clock;
        this.random = random;
        this.key = random.nextInt();
        long now = clock.getAsLong();
        this.startedAt = now;
        this.dhtBucket = new TokenBucket(config.dhtAnnouncesPerSecond(), now);
        this.trackerBucket = new TokenBucket(config.trackerAnnouncesPerSecond(), now);
    }

    synchronized boolean add(InfoHash hash, List<List<String>> tiers) {
        if (torrents.containsKey(hash)) {
            return false;
        }
        Torrent t = new Torrent(hash, shared(tiers));
        torrents.put(hash, t);
        long now = clock.getAsLong();
        // the torrents a start restores come all at once: spread their first announces so that their re-announces
        // stay apart; one added later (a file hashed on its first request) is announced at once, rate limits permitting
        long spread = now - startedAt < config.firstAnnounceSpread().toMillis() ? config.firstAnnounceSpread().toMillis() : 0;
        if (dht != null) {
            t.dhtDue = now + (spread == 0 ? 0 : (long) (random.nextDouble() * spread));
            dhtQueue.add(t);
        }
        if (trackers != null && t.tiers.length > 0) {
            t.trackerDue = now + (spread == 0 ? 0 : (long) (random.nextDouble() * spread));
            trackerQueue.add(t);
        }
        return true;
    }

    /** Identical tier lists (a mirror's torrents usually share theirs) share one array until a rotation copies it. */
    private String[][] shared(List<List<String>> tiers) {
        List<List<String>> kept = tiers.stream().map(List::copyOf).filter(tier -> !tier.isEmpty()).toList();
        String[][] known = sharedTiers.get(kept);
        if (known != null) {
            return known;
        }
        String[][] a = kept.stream().map(tier -> tier.toArray(String[]::new)).toArray(String[][]::new);
        if (sharedTiers.size() < MAX_SHARED_TIER_SETS) {
            sharedTiers.put(kept, a);
        }
        return a;
    }

    synchronized boolean remove(InfoHash hash) {
        Torrent t = torrents.remove(hash);
        if (t == null) {
            return false;
        }
        t.removed = true; // left in the queues, skipped when it comes up
        queueStopped(t);
        return true;
    }

    private void queueStopped(Torrent t) {
        if (t.announcedTo != null && stopped.size() < MAX_STOPPED_QUEUE) {
            stopped.add(new Stopped(t.hash, t.announcedTo));
            t.announcedTo = null;
        }
    }

    /** Starts every announce that is due, within the rate limits and concurrency bounds. */
    void tick() {
        List<Runnable> start = new ArrayList<>();
        synchronized (this) {
            long now = clock.getAsLong();
            while (!stopped.isEmpty() && trackerInFlight < config.maxConcurrentTracker() && trackerBucket.take(now)) {
                Stopped s = stopped.poll();
                trackerInFlight++;
                start.add(() -> announceStopped(s));
            }
            while (!trackerQueue.isEmpty() && trackerQueue.peek().trackerDue <= now
                    && trackerInFlight < config.maxConcurrentTracker()) {
                Torrent t = trackerQueue.peek();
                if (t.removed) {
                    trackerQueue.poll();
                    continue;
                }
                String url = nextTracker(t);
                if (url == null) { // nothing eligible (only skipped or unsupported trackers): tracker announces end
                    trackerQueue.poll();
                    continue;
                }
                if (!trackerBucket.take(now)) {
                    break;
                }
                trackerQueue.poll();
                trackerInFlight++;
                Event event = url.equals(t.announcedTo) ? Event.NONE : Event.STARTED;
                start.add(() -> announceTracker(t, url, event));
            }
            while (dht != null && !dhtQueue.isEmpty() && dhtQueue.peek().dhtDue <= now
                    && dhtInFlight < config.maxConcurrentDht()) {
                Torrent t = dhtQueue.peek();
                if (t.removed) {
                    dhtQueue.poll();
                    continue;
                }
                if (!dht.ready() || !dhtBucket.take(now)) {
                    break;
                }
                dhtQueue.poll();
                dhtInFlight++;
                start.add(() -> announceDht(t));
            }
        }
        for (Runnable r : start) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("starting an announce failed", e);
            }
        }
    }

    /** The torrent's current tracker, moving past skipped and unsupported ones; null when none is left at all. */
    private String nextTracker(Torrent t) {
        Predicate<String> skip = skipTracker;
        int positions = 0;
        for (String[] tier : t.tiers) {
            positions += tier.length;
        }
        for (int i = 0; i < positions; i++) {
            if (t.tier >= t.tiers.length) {
                t.tier = 0;
                t.index = 0;
            }
            String url = t.tiers[t.tier][t.index];
            if (trackers.supports(url) && !skip.test(url)) {
                return url;
            }
            advance(t);
        }
        return null;
    }

    private static void advance(Torrent t) {
        t.index++;
        if (t.index >= t.tiers[t.tier].length) {
            t.tier++;
            t.index = 0;
        }
    }

    private <T> CompletableFuture<T> deadline(CompletableFuture<T> f) {
        return f.orTimeout(config.announceTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void announceTracker(Torrent t, String url, Event event) {
        AnnounceRequest req = new AnnounceRequest(t.hash, peerId, peerPort, Math.max(0, uploaded.applyAsLong(t.hash)),
                0, 0, event, config.numwant(), key, announceIp);
        CompletableFuture<AnnounceResult> f;
        try {
            f = deadline(trackers.announce(url, req));
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((result, error) -> {
            if (result != null) {
                result.peers().forEach(p -> deliver(t.hash, p));
            }
            trackerDone(t, url, result, error);
        });
    }

    private synchronized void trackerDone(Torrent t, String url, AnnounceResult result, Throwable error) {
        trackerInFlight--;
        long now = clock.getAsLong();
        if (error == null) {
            trackerOk++;
            rotateToFront(t);
            t.announcedTo = url;
            t.failedRounds = 0;
            t.tier = 0;
            t.index = 0;
            long wanted = Math.max(result.interval().toMillis(), result.minInterval().map(d -> d.toMillis()).orElse(0L));
            t.trackerDue = now + Math.max(config.minTrackerInterval().toMillis(),
                    Math.min(config.maxTrackerInterval().toMillis(), wanted));
        } else {
            trackerFailed++;
            lastErrors.put(host(url), message(error));
            advance(t);
            if (t.tier >= t.tiers.length) { // a whole round failed: back off
                t.tier = 0;
                t.index = 0;
                t.failedRounds = (byte) Math.min(30, t.failedRounds + 1);
                long backoff = config.trackerRetry().toMillis() << Math.min(20, t.failedRounds - 1);
                t.trackerDue = now + Math.min(config.maxTrackerInterval().toMillis(), backoff);
            } else {
                t.trackerDue = now; // the next tracker at once (rate limit permitting)
            }
        }
        if (t.removed) {
            queueStopped(t);
        } else {
            trackerQueue.add(t);
        }
    }

    /** BEP 12: the tracker that answered moves to the front of its tier. */
    private void rotateToFront(Torrent t) {
        if (t.index == 0) {
            return;
        }
        if (t.tiersShared) {
            String[][] copy = new String[t.tiers.length][];
            for (int i = 0; i < copy.length; i++) {
                copy[i] = t.tiers[i].clone();
            }
            t.tiers = copy;
            t.tiersShared = false;
        }
        String[] tier = t.tiers[t.tier];
        String url = tier[t.index];
        System.arraycopy(tier, 0, tier, 1, t.index);
        tier[0] = url;
        t.index = 0;
    }

    private void announceStopped(Stopped s) {
        AnnounceRequest req = new AnnounceRequest(s.hash, peerId, peerPort, Math.max(0, uploaded.applyAsLong(s.hash)),
                0, 0, Event.STOPPED, 0, key, announceIp);
        CompletableFuture<AnnounceResult> f;
        try {
            f = deadline(trackers.announce(s.url, req));
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((r, e) -> {
            synchronized (this) {
                trackerInFlight--;
                if (e == null) {
                    trackerOk++;
                } else {
                    trackerFailed++;
                    lastErrors.put(host(s.url), message(e));
                }
            }
        });
    }

    private void announceDht(Torrent t) {
        CompletableFuture<Integer> f;
        try {
            // peers found on the DHT are not handed on: they look the bridge up there themselves and dial it (the
            // bridge's announce makes sure they can); only tracker peers are offered to the engine to dial
            f = deadline(dht.announce(t.hash, peerPort, p -> { }));
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((acks, error) -> {
            LOG.debug("DHT announce of {}: {}", t.hash, error != null ? error.toString() : acks + " nodes took it");
            dhtDone(t, error == null && acks != null && acks > 0);
        });
    }

    private synchronized void dhtDone(Torrent t, boolean ok) {
        dhtInFlight--;
        long interval = config.dhtInterval().toMillis();
        if (ok) {
            dhtOk++;
            t.dhtFailures = 0;
        } else {
            dhtFailed++;
            // soon at first (a young routing table often loses its first nodes), then backing off to 2 min
            t.dhtFailures = (byte) Math.min(4, t.dhtFailures + 1);
            interval = Math.min(interval, TimeUnit.SECONDS.toMillis(15) << (t.dhtFailures - 1));
            interval = Math.min(interval, TimeUnit.MINUTES.toMillis(2));
        }
        t.dhtDue = clock.getAsLong() + (long) (interval * (0.75 + 0.5 * random.nextDouble()));
        if (!t.removed) {
            dhtQueue.add(t);
        }
    }

    private void deliver(InfoHash h, InetSocketAddress peer) {
        try {
            peerSink.accept(h, peer);
        } catch (RuntimeException e) {
            LOG.warn("peer sink failed", e);
        }
    }

    static String host(String url) {
        try {
            String h = URI.create(url).getHost();
            return h == null ? url : h;
        } catch (IllegalArgumentException e) {
            return "(malformed)";
        }
    }

    private static String message(Throwable e) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        return m.length() > 200 ? m.substring(0, 200) + "…" : m;
    }

    synchronized AnnouncerStats stats() {
        return new AnnouncerStats(torrents.size(), dhtOk, dhtFailed, trackerOk, trackerFailed,
                dhtInFlight + trackerInFlight, new LinkedHashMap<>(lastErrors));
    }
}
