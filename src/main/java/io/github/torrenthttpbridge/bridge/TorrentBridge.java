package io.github.torrenthttpbridge.bridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.github.torrenthttpbridge.engine.EngineConfig;
import io.github.torrenthttpbridge.engine.PeerEngine;
import io.github.torrenthttpbridge.engine.WireEngine;
import io.github.torrenthttpbridge.origin.OriginChangedException;
import io.github.torrenthttpbridge.origin.OriginClient;
import io.github.torrenthttpbridge.origin.OriginResource;
import io.github.torrenthttpbridge.storage.PieceCache;
import io.github.torrenthttpbridge.storage.PieceSpace;
import io.github.torrenthttpbridge.storage.RangeSource;
import io.github.torrenthttpbridge.storage.VerifiedPieceSource;
import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.torrent.ProgressListener;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds files that live on HTTP(S) servers over BitTorrent. One bridge owns one BitTorrent engine (one
 * listening port, one DHT node), one origin HTTP client and one cache of verified pieces; torrents are added
 * with {@link #seed(URI, TorrentMetadata)} and removed at any time.
 *
 * <pre>{@code
 * try (TorrentBridge bridge = TorrentBridge.start(BridgeConfig.builder().port(6881).build())) {
 *     SeedHandle h = bridge.seed(URI.create("https://example.org/big.iso"), TorrentMetadata.parse(bytes));
 *     System.out.println(bridge.torrentPort() + " " + bridge.peerIdHex() + " " + h.magnetLink());
 * }
 * }</pre>
 */
public final class TorrentBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TorrentBridge.class);

    private final BridgeConfig config;
    private final OriginClient origin;
    private final PieceCache cache;
    private final PeerEngine engine;
    private final Map<InfoHash, SeedHandle> seeds = new ConcurrentHashMap<>();
    /** A hybrid's other swarm hash (its truncated v2 info hash) → its info hash, the key of {@link #seeds}. */
    private final Map<InfoHash, InfoHash> aliases = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Bytes queued for one peer before no more blocks are queued for it. */

    private TorrentBridge(BridgeConfig config) {
        this.config = config;
        // the engine binds both ports itself (0: any free one) and says which one it could not bind
        int port = config.port();
        int dhtPort = config.dhtPort();
        this.origin = new OriginClient(config.origin());
        try {
            this.cache = newCache(config);
        } catch (RuntimeException e) {
            origin.close();
            throw e;
        }
        try {
            EngineConfig ec = new EngineConfig(config.bindAddress(), port, config.dhtEnabled(), dhtPort,
                    config.dhtBootstrap(), config.dhtPublicRouters(), config.maxPeers(), config.maxPeersPerTorrent(),
                    config.maxPendingReads(), config.peerDiscoveryInterval(), config.maxOutstandingPerPeer(),
                    config.maxUploadBytesPerSecond(), config.uploadSlots(),
                    config.announceAddress(), config.peerBudgets(), config.seeding());
            this.engine = new WireEngine(ec);
            try {
                engine.start();
            } catch (io.github.torrenthttpbridge.engine.EngineStartException e) {
                boolean dht = e.dhtPort();
                throw new PortUnavailableException(dht ? PortUnavailableException.Use.DHT : PortUnavailableException.Use.PEERS,
                        config.bindAddress(), dht ? dhtPort : port, e);
            }
        } catch (RuntimeException e) {
            cache.close();
            origin.close();
            throw e;
        }
    }

    private static final String TEMP_CACHE_PREFIX = "torrent-bridge-cache";

    /**
     * The memory cache's size: as configured, but at most a quarter of the JVM's heap. The bridge lives in the
     * site's JVM; its spans are large arrays (in G1 a span of a region's size or more takes whole regions, so 1 MiB
     * spans in a 256 MiB heap cost twice their bytes), and a cache sized for a big heap must not exhaust a small one.
     */
    static long memoryCacheBytes(long configured, long maxHeap) {
        return Math.min(configured, maxHeap / 4);
    }

    private static PieceCache newCache(BridgeConfig config) {
        long memory = memoryCacheBytes(config.cacheBytes(), Runtime.getRuntime().maxMemory());
        if (memory < config.cacheBytes()) {
            LOG.info("memory cache limited to {} MiB, a quarter of the {} MiB heap (cache-mib asks for {} MiB)",
                    memory >> 20, Runtime.getRuntime().maxMemory() >> 20, config.cacheBytes() >> 20);
        }
        return newCache(config, memory);
    }

    private static PieceCache newCache(BridgeConfig config, long memory) {
        if (config.diskCacheBytes() == 0) {
            return new PieceCache(memory);
        }
        boolean temporary = config.diskCacheDir() == null;
        java.nio.file.Path dir;
        try {
            if (temporary) {
                PieceCache.removeAbandonedDiskCaches(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")),
                        TEMP_CACHE_PREFIX);
            }
            dir = temporary ? java.nio.file.Files.createTempDirectory(TEMP_CACHE_PREFIX) : config.diskCacheDir();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary directory for the disk cache", e);
        }
        return new PieceCache(memory, dir, config.diskCacheBytes(), temporary);
    }

    /**
     * Creates and starts a bridge: the peer port is listening and the DHT node joining when this returns.
     *
     * @throws PortUnavailableException if the peer port or (with the DHT on) the DHT port cannot be bound
     */
    public static TorrentBridge start(BridgeConfig config) {
        TorrentBridge b = new TorrentBridge(config);
        LOG.info("bridge listening for peers on {}:{}, peer id {}", config.bindAddress().getHostAddress(),
                b.torrentPort(), b.peerIdHex());
        return b;
    }

    public BridgeConfig config() {
        return config;
    }

    public int torrentPort() {
        return engine.port();
    }

    /**
     * Where peers reach this bridge, as announced: the configured announce address (its port 0 replaced by the
     * listener's), else the bind address and the listener's port; empty when neither names a host (a wildcard bind
     * and no announce address: each tracker and DHT node then sees the address announces come from).
     */
    public Optional<InetSocketAddress> announcedAddress() {
        InetSocketAddress a = config.announceAddress();
        if (a != null) {
            int p = a.getPort() != 0 ? a.getPort() : torrentPort();
            return Optional.of(a.isUnresolved() ? InetSocketAddress.createUnresolved(a.getHostString(), p)
                    : new InetSocketAddress(a.getAddress(), p));
        }
        return config.bindAddress().isAnyLocalAddress() ? Optional.empty()
                : Optional.of(new InetSocketAddress(config.bindAddress(), torrentPort()));
    }

    public String peerIdHex() {
        return engine.peerIdHex();
    }

    /** The DHT node id (hex), once the node runs; empty when the DHT is off. */
    public Optional<String> dhtNodeIdHex() {
        return engine.dhtNodeIdHex();
    }

    /** The origin client the bridge fetches with (shared, so its limits hold for hashing too). */
    public OriginClient originClient() {
        return origin;
    }

    /** Makes a torrent for {@code url} by streaming it once. */
    public CreatedTorrent createTorrent(URI url, TorrentCreator.Options options, ProgressListener listener) {
        return UrlTorrentCreator.create(origin, url, options, listener);
    }

    /**
     * Seeds {@code torrent} from {@code url}. First probes the origin: it must answer a Range request with
     * {@code 206} and the torrent's length, or this throws an {@link io.github.torrenthttpbridge.origin.OriginException}
     * saying what it answered. Seeding starts at once with every piece advertised.
     */
    public SeedHandle seed(URI url, TorrentMetadata torrent) {
        return seed(url, torrent, null);
    }

    /**
     * As {@link #seed(URI, TorrentMetadata)}, also checking that the origin's validators still match those seen
     * when the torrent was made ({@code hashedFrom}), so a file changed since hashing is refused up front.
     */
    public SeedHandle seed(URI url, TorrentMetadata torrent, OriginResource hashedFrom) {
        if (torrent.isMultiFile()) {
            throw new IllegalArgumentException(torrent + " holds several files: seed it with one URL per file");
        }
        return seed(List.of(url), torrent, hashedFrom == null ? null : List.of(hashedFrom));
    }

    /**
     * Seeds a torrent of one or more files, each fetched from its own URL: {@code urls} holds one URL per entry of
     * {@code torrent.files()} that is not a pad file, in that order (empty files included; they are never fetched).
     * Every file with bytes is probed first as {@link #seed(URI, TorrentMetadata)} does; {@code hashedFrom}, if
     * not null, holds what each was hashed from (same order, null entries for files not checked).
     */
    public SeedHandle seed(List<URI> urls, TorrentMetadata torrent, List<OriginResource> hashedFrom) {
        if (closed) {
            throw new IllegalStateException("the bridge is closed");
        }
        List<io.github.torrenthttpbridge.torrent.TorrentFile> files = torrent.files().stream().filter(f -> !f.pad()).toList();
        if (urls.size() != files.size() || (hashedFrom != null && hashedFrom.size() != files.size())) {
            throw new IllegalArgumentException(torrent + " has " + files.size() + " files but " + urls.size()
                    + " URLs" + (hashedFrom == null ? "" : " and " + hashedFrom.size() + " origin records") + " were given");
        }
        SeedHandle existing = seeds.get(torrent.infoHash());
        if (existing != null) {
            if (existing.state() == SeedState.SEEDING) {
                return existing;
            }
            remove(torrent.infoHash());
        }
        List<OriginResource> resources = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).length() == 0) {
                continue;
            }
            URI url = urls.get(i);
            OriginResource resource = origin.probe(url, files.get(i).length());
            OriginResource before = hashedFrom == null ? null : hashedFrom.get(i);
            if (before != null && !before.sameVersionAs(resource)) {
                throw new OriginChangedException(url, "the file changed since it was hashed (validator "
                        + before.ifRangeValidator() + " is now " + resource.ifRangeValidator() + ")");
            }
            resources.add(resource);
        }
        return start(torrent, resources, true);
    }

    /**
     * Seeds a torrent known from earlier (a restart) at once, without asking the origin first: {@code known} holds
     * what each file with bytes was hashed from (same order as {@code torrent.files()} without pad and empty files;
     * URL, length, validators). The first piece fetched from each file checks it: its validators are pinned with
     * {@code If-Range} and compared with every answer (a changed file turns the torrent stale), and every piece is
     * verified against its hash as always. A torrent seeded already is returned as it is.
     */
    public SeedHandle seedKnown(TorrentMetadata torrent, List<OriginResource> known) {
        if (closed) {
            throw new IllegalStateException("the bridge is closed");
        }
        long files = torrent.files().stream().filter(f -> !f.pad() && f.length() > 0).count();
        if (known.size() != files) {
            throw new IllegalArgumentException(torrent + " has " + files + " files with bytes but " + known.size() + " origin records were given");
        }
        SeedHandle existing = seeds.get(torrent.infoHash());
        if (existing != null) {
            if (existing.state() == SeedState.SEEDING) {
                return existing;
            }
            remove(torrent.infoHash());
        }
        return start(torrent, List.copyOf(known), false);
    }

    private SeedHandle start(TorrentMetadata torrent, List<OriginResource> resources, boolean log) {
        VerifiedPieceSource[] self = new VerifiedPieceSource[1];
        List<RangeSource> sources = new ArrayList<>();
        for (OriginResource resource : resources) {
            sources.add((offset, length) -> {
                CompletableFuture<byte[]> fetch = origin.fetchRange(resource, offset, length);
                CompletableFuture<byte[]> watched = fetch.whenComplete((bytes, error) -> {
                    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (cause instanceof OriginChangedException changed) {
                        self[0].markStale(changed.getMessage(), changed);
                    }
                });
                watched.whenComplete((b, e) -> {
                    if (watched.isCancelled()) {
                        fetch.cancel(true);   // abandoned: the origin request is aborted
                    }
                });
                return watched;
            });
        }
        VerifiedPieceSource pieces = new VerifiedPieceSource(torrent, new PieceSpace(torrent, sources),
                cache, config.minFetchBytes(), stale -> onStale(torrent.infoHash()));
        self[0] = pieces;
        java.util.function.Predicate<String> skip = notAnnouncedTo;
        List<List<String>> tiers = torrent.trackerTiers().stream()
                .map(tier -> tier.stream().filter(skip.negate()).toList()).toList();
        PeerEngine.Seeded running = engine.seed(torrent, pieces, tiers);
        SeedHandle handle = new SeedHandle(torrent, resources, pieces, running);
        seeds.put(torrent.infoHash(), handle);
        for (InfoHash alias : torrent.swarmHashes()) {
            if (!alias.equals(torrent.infoHash())) {
                aliases.put(alias, torrent.infoHash());
            }
        }
        if (log) {
            LOG.info("bridging {} -> {} ({} bytes, {} pieces of {}), magnet {}", resources.size() == 1 ? resources.get(0).url()
                    : resources.size() + " files", torrent.infoHash(), torrent.length(), torrent.pieceCount(),
                    torrent.pieceLength(), torrent.magnetLink());
        } else {
            LOG.debug("bridging {} -> {} again, unprobed", resources.size() == 1 ? resources.get(0).url() : resources.size() + " files",
                    torrent.infoHash());
        }
        return handle;
    }

    private volatile java.util.function.Predicate<String> notAnnouncedTo = url -> false;

    /**
     * Trackers the bridge should not announce to, though torrents list them: typically the site's own built-in
     * tracker, which lists the bridge anyway (announcing to it would be a loop, and fails at shutdown once the
     * site has stopped serving). Applies to torrents seeded from now on.
     */
    public void doNotAnnounceTo(java.util.function.Predicate<String> trackerUrl) {
        this.notAnnouncedTo = trackerUrl;
    }

    private void onStale(InfoHash infoHash) {
        // keep the handle (its state says STALE) but stop offering the torrent to peers
        Thread t = new Thread(() -> engine.remove(infoHash), "bridge-stale-" + infoHash.hex().substring(0, 8));
        t.setDaemon(true);
        t.start();
    }

    /** Peers disconnected for breaking the protocol, flooding us with requests, or not reading. */
    public long peersDropped() {
        return engine.peersDropped();
    }

    /** Peers disconnected for one reason, since start; the reasons add up to {@link #peersDropped()}. */
    public long peersDropped(PeerDropReason reason) {
        return engine.peersDroppedByReason().getOrDefault(reason.name().toLowerCase(java.util.Locale.ROOT), 0L);
    }

    /**
     * The figures of every torrent seeded since start, added up: live torrents' current figures plus the final
     * figures of removed ones, so each count only grows ({@code peers} is the peers connected now). One pass over
     * the seeded torrents.
     */
    public SeedStats totals() {
        synchronized (retired) {  // a torrent being removed is counted either live or retired, never both or neither
            SeedStats t = retired.snapshot();
            for (SeedHandle h : seeds.values()) {
                t = t.plus(h.stats());
            }
            return t;
        }
    }

    /** Final figures of removed torrents (a torrent is removed once; a removal racing a {@link #totals()} may miss one scrape). */
    private final RetiredStats retired = new RetiredStats();

    /**
     * Incoming connections refused before they became peers: garbage instead of a handshake, a torrent not seeded
     * here, a failed encryption negotiation. libtorrent's first, encrypted attempt ends here too (it then reconnects
     * in plaintext), so this is not a count of hostile peers.
     */
    public long handshakesRefused() {
        return engine.handshakesRefused();
    }

    /** Peers disconnected, by reason (the {@link PeerDropReason} names in lower case), since start. */
    public java.util.Map<String, Long> peersDroppedByReason() {
        return engine.peersDroppedByReason();
    }

    /** Chokes by reason (origin_failure, origin_budget, snubbed, not_reading), since start. */
    public java.util.Map<String, Long> peersChokedByReason() {
        return engine.peersChokedByReason();
    }

    /** {@link #handshakesRefused()} by reason (per_ip_limit, handshake_limit, key_exchange_rate, handshake, ...). */
    public java.util.Map<String, Long> handshakesRefusedByReason() {
        return engine.handshakesRefusedByReason();
    }

    /** Times a peer was choked because its request could not be served from the origin. */
    public long peersChoked() {
        return engine.peersChoked();
    }

    /**
     * DHT and tracker announces since start (a hybrid counts once per swarm hash: it is announced under both) and
     * the latest error of each tracker host.
     */
    public io.github.torrenthttpbridge.swarm.AnnouncerStats announceStats() {
        return engine.announceStats();
    }

    /**
     * Opens a connection from the bridge to a peer of a torrent it seeds (e.g. a leecher that announced to the
     * built-in tracker). Clients that reach TCP-only peers badly (Transmission 3.00 tries uTP first and gives up on
     * the peer for 15 minutes when that fails) still get the bridge this way.
     */
    public void connectTo(InfoHash infoHash, InetSocketAddress peer) {
        SeedHandle h = get(infoHash).orElse(null);
        if (!closed && h != null && h.state() == SeedState.SEEDING) {
            engine.connectTo(infoHash, peer);
        }
    }

    /**
     * Like {@link #connectTo} for a peer that was just told of the bridge (it announced to the built-in tracker):
     * dialed only if it has not connected by itself within a few seconds, so that the two sides do not open two
     * connections at once (libtorrent then closes both and waits a minute before trying again).
     */
    public void offerPeer(InfoHash infoHash, InetSocketAddress peer) {
        SeedHandle h = get(infoHash).orElse(null);
        if (!closed && h != null && h.state() == SeedState.SEEDING) {
            engine.offer(infoHash, peer);
        }
    }

    /** The torrent seeded under {@code infoHash}: its info hash or, for a hybrid, its truncated v2 info hash. */
    public Optional<SeedHandle> get(InfoHash infoHash) {
        SeedHandle h = seeds.get(infoHash);
        if (h == null) {
            InfoHash canonical = aliases.get(infoHash);
            h = canonical == null ? null : seeds.get(canonical);
        }
        return Optional.ofNullable(h);
    }

    public Collection<SeedHandle> seeds() {
        return List.copyOf(seeds.values());
    }

    /** Stops seeding a torrent and drops its cached pieces. */
    public void remove(InfoHash hash) {
        InfoHash infoHash = aliases.getOrDefault(hash, hash);
        SeedHandle h;
        synchronized (retired) {
            h = seeds.remove(infoHash);
            if (h != null) {
                for (InfoHash alias : h.torrent().swarmHashes()) {
                    aliases.remove(alias, infoHash);
                }
            }
            if (h != null) {
                retired.add(h.stats());
            }
        }
        engine.remove(infoHash);
        if (h != null) {
            h.pieces().close();
            h.stopped();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (InfoHash h : List.copyOf(seeds.keySet())) {
            remove(h);
        }
        engine.close();
        origin.close();
        cache.close();
    }

    /**
     * Live figures of the whole bridge: memory and disk use, and the counters that show nothing is left behind
     * (in-flight origin fetches, read permits, piece claims and pending loads all return to 0 once peers are idle).
     */
    public BridgeCounters counters() {
        PieceCache.Counters c = cache.counters();
        return new BridgeCounters(c.memoryBytes(), c.memoryMax(), c.pinnedSpans(), c.diskBytes(), c.diskMax(),
                origin.inFlight(), engine.readPermitsHeld(), engine.openPieceClaims(), c.claims(), c.pendingLoads(),
                origin.deadlinesHit());
    }
}
