package io.github.torrenthttpbridge.metrics;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.github.torrenthttpbridge.bridge.PeerDropReason;
import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.bridge.SeedState;
import io.github.torrenthttpbridge.bridge.SeedStats;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.site.SiteTorrents;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The bridge's figures as Micrometer meters, for any registry (Prometheus names in brackets):
 * <ul>
 *   <li>{@code torrent.bridge.uploaded} (torrent_bridge_uploaded_bytes_total): verified bytes sent to peers</li>
 *   <li>{@code torrent.bridge.peers.completed} (torrent_bridge_peers_completed_total): peers that got their last piece
 *       while connected</li>
 *   <li>{@code torrent.bridge.origin.received} (torrent_bridge_origin_received_bytes_total) and
 *       {@code torrent.bridge.origin.requests} (torrent_bridge_origin_requests_total): range requests to the origin
 *       and the bytes they brought; {@code torrent.bridge.origin.failures}: requests that failed after retries</li>
 *   <li>{@code torrent.bridge.pieces.verified}, {@code torrent.bridge.verification.failures} (pieces whose SHA-1 did
 *       not match: never uploaded), {@code torrent.bridge.cache.hits}, {@code torrent.bridge.blocks.refused}</li>
 *   <li>{@code torrent.bridge.peers} (gauge): peers connected now; {@code torrent.bridge.peers.dropped} with tag
 *       {@code reason} (protocol_error, bad_request, flood, not_reading); {@code torrent.bridge.peers.choked};
 *       {@code torrent.bridge.handshakes.refused}</li>
 *   <li>{@code torrent.bridge.torrents} (gauge) with tag {@code state}: seeding, stale, hashing, failed</li>
 *   <li>{@code torrent.bridge.hashed} (torrent_bridge_hashed_bytes_total): bytes hashed by background jobs;
 *       {@code torrent.bridge.hash.jobs} and {@code torrent.bridge.hash.queue} (gauges): jobs started and not
 *       finished, and those of them waiting for a hasher</li>
 * </ul>
 * No meter has a per-torrent tag: a mirror seeds 100,000 torrents. Per-torrent figures are added up in one pass
 * over the torrents ({@link TorrentBridge#totals()}), at most once per second however many meters a scrape reads;
 * removed torrents' figures stay in the totals, so counters never go down. While no bridge runs (before the web
 * application starts, or with {@code torrent-bridge.enabled=false}) every meter reads 0.
 */
public final class TorrentBridgeMetrics implements MeterBinder {
    private final Supplier<Optional<TorrentBridge>> bridge;
    private final Supplier<Optional<SiteTorrents>> site;
    private final long maxAgeNanos;
    private volatile Snapshot last;

    /**
     * @param bridge the bridge to report on, looked up at each scrape (it may start after binding, or restart)
     * @param site   the web site's torrents (hashing, failures), if a filter runs
     */
    public TorrentBridgeMetrics(Supplier<Optional<TorrentBridge>> bridge, Supplier<Optional<SiteTorrents>> site) {
        this(bridge, site, Duration.ofSeconds(1));
    }

    TorrentBridgeMetrics(Supplier<Optional<TorrentBridge>> bridge, Supplier<Optional<SiteTorrents>> site, Duration maxAge) {
        this.bridge = bridge;
        this.site = site;
        this.maxAgeNanos = maxAge.toNanos();
    }

    /** Metrics of a bridge used as a library (no site: no hashing meters move). */
    public static TorrentBridgeMetrics of(TorrentBridge bridge) {
        return new TorrentBridgeMetrics(() -> Optional.of(bridge), Optional::empty);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "torrent.bridge.uploaded", BaseUnits.BYTES, "verified bytes uploaded to peers", s -> s.totals.uploaded());
        counter(registry, "torrent.bridge.peers.completed", null, "peers that got their last piece while connected to the bridge", s -> s.totals.peersCompleted());
        counter(registry, "torrent.bridge.origin.received", BaseUnits.BYTES, "bytes received from the origin", s -> s.totals.originBytes());
        counter(registry, "torrent.bridge.origin.requests", null, "range requests sent to the origin", s -> s.totals.originRequests());
        counter(registry, "torrent.bridge.origin.failures", null, "origin range requests that failed after retries", s -> s.totals.originFailures());
        counter(registry, "torrent.bridge.pieces.verified", null, "pieces fetched from the origin that matched their SHA-1", s -> s.totals.piecesVerified());
        counter(registry, "torrent.bridge.verification.failures", null, "pieces fetched from the origin that did not match their SHA-1 (never uploaded)", s -> s.totals.verificationFailures());
        counter(registry, "torrent.bridge.cache.hits", null, "piece reads answered from the verified-piece cache", s -> s.totals.cacheHits());
        counter(registry, "torrent.bridge.blocks.refused", null, "block requests refused", s -> s.totals.blocksRefused());
        counter(registry, "torrent.bridge.peers.choked", null, "peers choked because the origin could not serve their request", s -> s.choked);
        counter(registry, "torrent.bridge.handshakes.refused", null, "incoming connections refused before a valid handshake", s -> s.refused);
        counter(registry, "torrent.bridge.hashed", BaseUnits.BYTES, "bytes read and hashed by background hashing jobs", s -> s.hashed);
        for (PeerDropReason r : PeerDropReason.values()) {
            FunctionCounter.builder("torrent.bridge.peers.dropped", this, m -> m.snapshot().dropped[r.ordinal()])
                    .description("peers disconnected by the bridge's peer guard")
                    .tag("reason", r.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
        String[][] announces = {{"dht", "ok"}, {"dht", "failed"}, {"tracker", "ok"}, {"tracker", "failed"}};
        for (int i = 0; i < announces.length; i++) {
            int k = i;
            FunctionCounter.builder("torrent.bridge.announces", this, m -> m.snapshot().announces[k])
                    .description("DHT and tracker announces (a hybrid torrent is announced under both its hashes)")
                    .tag("to", announces[i][0]).tag("result", announces[i][1]).register(registry);
        }
        gauge(registry, "torrent.bridge.peers", "peers connected", s -> s.totals.peers());
        gauge(registry, "torrent.bridge.hash.jobs", "hashing jobs started and not finished", s -> s.hashJobs);
        gauge(registry, "torrent.bridge.hash.queue", "hashing jobs waiting for a free hasher", s -> s.hashQueue);
        String[] states = {"seeding", "stale", "hashing", "failed"};
        for (int i = 0; i < states.length; i++) {
            int state = i;
            Gauge.builder("torrent.bridge.torrents", this, m -> m.snapshot().torrents[state])
                    .description("torrents by state").tag("state", states[i]).register(registry);
        }
    }

    private void counter(MeterRegistry registry, String name, String unit, String description, ToDoubleFunction<Snapshot> f) {
        FunctionCounter.builder(name, this, m -> f.applyAsDouble(m.snapshot())).baseUnit(unit).description(description)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<Snapshot> f) {
        Gauge.builder(name, this, m -> f.applyAsDouble(m.snapshot())).description(description).register(registry);
    }

    /** The figures of one scrape: computed once, reused by every meter read within {@code maxAge}. */
    Snapshot snapshot() {
        Snapshot s = last;
        long now = System.nanoTime();
        if (s == null || now - s.takenAt >= maxAgeNanos) {
            s = take(now);
            last = s;
        }
        return s;
    }

    private Snapshot take(long now) {
        Optional<TorrentBridge> b = bridge.get();
        Optional<SiteTorrents> st = site.get();
        Snapshot s = new Snapshot(now, b.map(TorrentBridge::totals).orElse(SeedStats.ZERO));
        b.ifPresent(br -> {
            s.choked = br.peersChoked();
            s.refused = br.handshakesRefused();
            var a = br.announceStats();
            s.announces[0] = a.dhtOk();
            s.announces[1] = a.dhtFailed();
            s.announces[2] = a.trackerOk();
            s.announces[3] = a.trackerFailed();
            for (PeerDropReason r : PeerDropReason.values()) {
                s.dropped[r.ordinal()] = br.peersDropped(r);
            }
            for (SeedHandle h : br.seeds()) {
                SeedState state = h.state();
                if (state == SeedState.SEEDING) {
                    s.torrents[0]++;
                } else if (state == SeedState.STALE) {
                    s.torrents[1]++;
                }
            }
        });
        st.ifPresent(site -> {
            s.hashed = site.bytesHashed();
            s.hashJobs = site.hashJobs();
            s.hashQueue = site.hashQueueLength();
            s.torrents[2] = s.hashJobs;
            s.torrents[3] = site.failedCount();
        });
        return s;
    }

    static final class Snapshot {
        final long takenAt;
        final SeedStats totals;
        final long[] dropped = new long[PeerDropReason.values().length];
        final long[] torrents = new long[4];
        /** DHT ok, DHT failed, tracker ok, tracker failed. */
        final long[] announces = new long[4];
        long choked;
        long refused;
        long hashed;
        long hashJobs;
        long hashQueue;

        Snapshot(long takenAt, SeedStats totals) {
            this.takenAt = takenAt;
            this.totals = totals;
        }
    }
}
