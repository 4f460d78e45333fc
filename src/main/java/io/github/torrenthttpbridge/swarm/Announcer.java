package io.github.torrenthttpbridge.swarm;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

import io.github.torrenthttpbridge.dht.DhtNode;
import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.tracker.AnnounceRequest;
import io.github.torrenthttpbridge.tracker.AnnounceResult;
import io.github.torrenthttpbridge.tracker.TrackerClient;

/**
 * Keeps every seeded torrent findable: announces each on the DHT (every {@link AnnouncerConfig#dhtInterval()}, ±25 %)
 * and to its trackers (BEP 12 tiers; every tracker {@code interval}, clamped), spread over time and rate-limited, with
 * a bound on announces running at once. One thread for all torrents (it wakes every 100 ms and starts what is due);
 * per torrent only a small record in two priority queues, so {@link #add} is O(log n) and 100,000 torrents cost a few
 * MiB. When more torrents are due than the rate allows, they wait their turn in order of due time: with N torrents and
 * a DHT rate of R per second, each is re-announced at most every N / R seconds.
 *
 * <p>Trackers: http, https and udp (BEP 15); never those matching
 * {@link #doNotAnnounceTo(Predicate)}. The first announce to a tracker says {@code started}; {@link #remove} sends a
 * best-effort {@code stopped} to the tracker last announced to (queued, rate-limited, at most
 * {@value AnnounceSchedule#MAX_STOPPED_QUEUE} waiting). {@link #close()} sends none.
 */
public final class Announcer implements AutoCloseable {
    /** Tracker hosts whose last error is kept for {@link #stats()}. */
    public static final int MAX_ERROR_HOSTS = 64;
    static final long TICK_MILLIS = 100;

    private final AnnounceSchedule schedule;
    private final ScheduledExecutorService timer;

    /**
     * Starts announcing (the first announces of each torrent come within {@link AnnouncerConfig#firstAnnounceSpread()}).
     *
     * @param dht      the DHT node to announce on, or null for none (the caller owns and closes it)
     * @param trackers the tracker client, or null to announce to no tracker (the caller owns and closes it)
     * @param peerPort our TCP port for peers as announced (to the DHT and trackers): the announce address's port
     * @param peerId   our 20-byte peer id (sent to trackers)
     */
    public Announcer(AnnouncerConfig config, DhtNode dht, TrackerClient trackers, int peerPort, byte[] peerId) {
        this(config, dht == null ? null : dhtBackend(dht), trackers == null ? null : trackerBackend(trackers),
                peerPort, peerId, System::currentTimeMillis, new SecureRandom(), true);
    }

    /** For tests: stand-in backends, a clock, and no thread (the test calls {@link #tick()}). */
    Announcer(AnnouncerConfig config, Backends.Dht dht, Backends.Trackers trackers, int peerPort, byte[] peerId,
              LongSupplier clockMillis, Random random, boolean startThread) {
        Objects.requireNonNull(config, "config");
        if (peerPort < 1 || peerPort > 65535) {
            throw new IllegalArgumentException("bad peer port " + peerPort);
        }
        if (peerId == null || peerId.length != 20) {
            throw new IllegalArgumentException("a peer id has 20 bytes");
        }
        this.schedule = new AnnounceSchedule(config, dht, trackers, peerPort, peerId, clockMillis, random);
        if (startThread) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "bridge-announcer");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    private static Backends.Dht dhtBackend(DhtNode node) {
        return new Backends.Dht() {
            @Override
            public boolean ready() {
                return node.isRunning() && node.routingTableSize() > 0;
            }

            @Override
            public CompletableFuture<Integer> announce(InfoHash h, int port, Consumer<InetSocketAddress> peers) {
                return node.announce(h, port, peers);
            }
        };
    }

    private static Backends.Trackers trackerBackend(TrackerClient client) {
        return new Backends.Trackers() {
            @Override
            public boolean supports(String url) {
                return TrackerClient.supports(url);
            }

            @Override
            public CompletableFuture<AnnounceResult> announce(String url, AnnounceRequest request) {
                return client.announce(url, request);
            }
        };
    }

    void tick() {
        schedule.tick();
    }

    /**
     * Registers a torrent to announce, with its trackers as BEP 12 tiers (empty tiers are dropped; an empty list
     * means DHT only). O(log n), no I/O. A torrent already registered is left as it is.
     *
     * @return false when it was already registered
     */
    public boolean add(InfoHash infoHash, List<List<String>> trackerTiers) {
        Objects.requireNonNull(infoHash, "infoHash");
        Objects.requireNonNull(trackerTiers, "trackerTiers");
        return schedule.add(infoHash, trackerTiers);
    }

    /** Stops announcing a torrent and queues a {@code stopped} event for the tracker it was announced to. */
    public boolean remove(InfoHash infoHash) {
        return schedule.remove(infoHash);
    }

    /** Where peers learnt from trackers go (called on I/O threads; must not block); DHT peers find us themselves. */
    public void onPeers(BiConsumer<InfoHash, InetSocketAddress> sink) {
        schedule.peerSink = Objects.requireNonNull(sink, "sink");
    }

    /** Trackers never announced to, e.g. the site's own built-in tracker (it lists the bridge anyway). */
    public void doNotAnnounceTo(Predicate<String> trackerUrl) {
        schedule.skipTracker = Objects.requireNonNull(trackerUrl, "trackerUrl");
    }

    /**
     * The host peers should reach us at (an IP or DNS name), sent to trackers as BEP 3's {@code ip}; null (the default)
     * sends none, and the tracker uses the address the announce came from. The DHT always uses the latter.
     */
    public void announceIp(String host) {
        schedule.announceIp = host;
    }

    /** Bytes uploaded per torrent, reported to trackers as {@code uploaded} (default 0). */
    public void uploadedBytes(ToLongFunction<InfoHash> uploaded) {
        schedule.uploaded = Objects.requireNonNull(uploaded, "uploaded");
    }

    public AnnouncerStats stats() {
        return schedule.stats();
    }

    /** Stops the scheduler; announces running finish on their own; no {@code stopped} events are sent. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
