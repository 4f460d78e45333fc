package io.github.torrenthttpbridge.servlet;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.origin.OriginClientConfig;
import io.github.torrenthttpbridge.settings.Setting;
import io.github.torrenthttpbridge.settings.Settings;
import io.github.torrenthttpbridge.site.PathPolicy;
import io.github.torrenthttpbridge.torrent.PieceSize;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import io.github.torrenthttpbridge.torrent.TorrentVersion;

/**
 * The filter's configuration: an immutable value made by {@link #parse} from the {@code torrent-bridge.*}
 * context parameters (validated once at start-up; a bad value fails the deployment with a message naming the
 * parameter) or by {@link #builder(Path)}, whose setters check each value the same way.
 */
public final class BridgeSettings {
    /** The prefix of every context parameter. */
    public static final String PREFIX = Setting.PREFIX;

    /** Every parameter (full name, default as documented, meaning), in documentation order: the {@link Settings} table. */
    public static java.util.List<Setting> parameters() {
        return Settings.all();
    }

    /**
     * Caps on what the public can make the bridge spend.
     *
     * @param maxPeers           peer connections in all
     * @param maxPeersPerTorrent peer connections per torrent
     * @param maxUploadKiB       upload rate for all torrents, KiB/s (0 = none)
     * @param originConnections  concurrent connections to the origin
     * @param hashQueue          hashing jobs that may wait; beyond it ?torrent answers 503 + Retry-After
     * @param metadataMaxMiB     disk the metadata directory may use; beyond it new torrents are not persisted
     */
    public record Limits(int maxPeers, int maxPeersPerTorrent, long maxUploadKiB, int originConnections, int hashQueue,
                         long metadataMaxMiB) {
    }

    private final boolean enabled;
    private final List<String> include;
    private final List<String> exclude;
    private final long minSize;
    private final int pieceSize;
    private final InetAddress bindAddress;
    private final int port;
    private final boolean dht;
    private final int dhtPort;
    private final List<InetSocketAddress> dhtBootstrap;
    private final boolean dhtPublicRouters;
    private final URI origin;
    private final Path metadataDir;
    private final long cacheMiB;
    private final long diskCacheMiB;
    private final Path diskCacheDir;
    private final List<String> trackers;
    private final TrustedProxies trustedProxies;
    private final boolean webSeed;
    private final boolean injectLinks;
    private final List<String> injectPaths;
    private final String statusPath;
    private final int hashJobs;
    private final Duration maxWait;
    private final boolean tracker;
    private final URI publicUrl;
    private final Limits limits;
    private final int maxFolderFiles;
    private final long maxFolderBytes;
    private final TorrentVersion torrentVersion;
    private final InetSocketAddress announceAddress;
    private final Duration hashLease;
    private final PathPolicy pathPolicy;

    private BridgeSettings(Builder b) {
        enabled = b.enabled;
        include = List.copyOf(b.include);
        exclude = List.copyOf(b.exclude);
        minSize = b.minSize;
        pieceSize = b.pieceSize;
        bindAddress = b.bindAddress;
        port = b.port;
        dht = b.dht;
        dhtPort = b.dhtPort;
        dhtBootstrap = List.copyOf(b.dhtBootstrap);
        dhtPublicRouters = b.dhtPublicRouters;
        origin = b.origin;
        metadataDir = b.metadataDir;
        cacheMiB = b.cacheMiB;
        diskCacheMiB = b.diskCacheMiB;
        diskCacheDir = b.diskCacheDir;   // null: a temporary directory of this instance, never under a shared metadata-dir
        trackers = List.copyOf(b.trackers);
        trustedProxies = b.trustedProxies;
        webSeed = b.webSeed;
        injectLinks = b.injectLinks;
        injectPaths = List.copyOf(b.injectPaths);
        statusPath = b.statusPath;
        hashJobs = b.hashJobs;
        maxWait = b.maxWait;
        tracker = b.tracker;
        publicUrl = b.publicUrl;
        maxFolderFiles = b.maxFolderFiles;
        maxFolderBytes = b.maxFolderBytes;
        torrentVersion = b.torrentVersion;
        announceAddress = b.announceAddress;
        hashLease = b.hashLease;
        limits = new Limits(b.maxPeers, b.maxPeersPerTorrent, b.maxUploadKiB, b.originConnections, b.hashQueue, b.metadataMaxMiB);
        peerBudgets = b.budgets.build();
        seeding = b.seeding;
        pathPolicy = new PathPolicy(include, exclude, injectLinks, injectPaths);
    }

    private final io.github.torrenthttpbridge.engine.SeedingMode seeding;

    /** How pieces are shown to peers ({@code seeding}). */
    public io.github.torrenthttpbridge.engine.SeedingMode seeding() {
        return seeding;
    }

    private final io.github.torrenthttpbridge.engine.PeerBudgets peerBudgets;

    /** What one peer, one IP address and all peers together may make the bridge hold or do. */
    public io.github.torrenthttpbridge.engine.PeerBudgets peerBudgets() {
        return peerBudgets;
    }

    /**
     * The bridge these settings describe: address, ports, DHT, caches, peer limits, upload cap, budgets, announce
     * address and origin connections (the one place they go from settings to {@link BridgeConfig}).
     */
    public BridgeConfig.Builder bridgeConfig() {
        return BridgeConfig.builder()
                .bindAddress(bindAddress).port(port).dht(dht).dhtPort(dhtPort)
                .dhtPublicRouters(dhtPublicRouters).dhtBootstrap(dhtBootstrap).cacheMiB(cacheMiB)
                .diskCacheMiB(diskCacheMiB).diskCacheDir(diskCacheDir)
                .maxPeers(limits.maxPeers(), limits.maxPeersPerTorrent())
                .maxUploadBytesPerSecond(limits.maxUploadKiB() * Settings.MAX_UPLOAD_KIB.unit())
                .peerBudgets(peerBudgets).seeding(seeding)
                .announceAddress(announceAddress)
                .origin(OriginClientConfig.defaults().withMaxConnectionsPerOrigin(limits.originConnections()));
    }

    /** @param tempDir the context's temporary directory; the default metadata directory is under it */
    public static Builder builder(Path tempDir) {
        return new Builder(tempDir);
    }

    /**
     * Parses the parameters; {@code get} returns a parameter's value, or null when it is not set. A blank value
     * is the same as not set (the default).
     */
    public static BridgeSettings parse(Function<String, String> get, Path tempDir) {
        return SettingsParser.parse(get, List.of(), "setting", builder(tempDir));
    }

    /**
     * Parses the parameters a deployment sets, by full name; a {@code torrent-bridge.*} name that is no setting (a
     * typo) fails with the closest known one.
     *
     * @param where what the names are, for that message: "context parameter", "property", ...
     */
    public static BridgeSettings parse(java.util.Map<String, String> values, Path tempDir, String where) {
        return SettingsParser.parse(values::get, values.keySet(), where, builder(tempDir));
    }

    // ---- accessors -------------------------------------------------------------------------------------

    public boolean enabled() {
        return enabled;
    }

    public List<String> include() {
        return include;
    }

    public List<String> exclude() {
        return exclude;
    }

    public long minSize() {
        return minSize;
    }

    /** Piece size of generated torrents; 0 = automatic. */
    public int pieceSize() {
        return pieceSize;
    }

    public InetAddress bindAddress() {
        return bindAddress;
    }

    public int port() {
        return port;
    }

    public boolean dht() {
        return dht;
    }

    public int dhtPort() {
        return dhtPort;
    }

    public List<InetSocketAddress> dhtBootstrap() {
        return dhtBootstrap;
    }

    public boolean dhtPublicRouters() {
        return dhtPublicRouters;
    }

    /** The configured origin, or null to learn it from the first request's connector. */
    public URI origin() {
        return origin;
    }

    public Path metadataDir() {
        return metadataDir;
    }

    public long cacheMiB() {
        return cacheMiB;
    }

    /** Disk for verified pieces below the memory cache, MiB (0: none). */
    public long diskCacheMiB() {
        return diskCacheMiB;
    }

    /**
     * Directory of the disk cache, or null (the default) for a new temporary directory of this instance alone (in
     * {@code java.io.tmpdir}, removed at stop; one left by a killed process is removed at the next start): never
     * under the metadata directory, which several instances may share.
     */
    public Path diskCacheDir() {
        return diskCacheDir;
    }

    public List<String> trackers() {
        return trackers;
    }

    /** The proxies whose X-Forwarded-For / Forwarded headers are believed (none by default). */
    public TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    public boolean webSeed() {
        return webSeed;
    }

    public boolean injectLinks() {
        return injectLinks;
    }

    public List<String> injectPaths() {
        return injectPaths;
    }

    public String statusPath() {
        return statusPath;
    }

    public int hashJobs() {
        return hashJobs;
    }

    public Duration maxWait() {
        return maxWait;
    }

    public boolean tracker() {
        return tracker;
    }

    /** The configured public URL, or null to use the origin. */
    public URI publicUrl() {
        return publicUrl;
    }

    public Limits limits() {
        return limits;
    }

    /** Most files a directory's torrent may hold. */
    public int maxFolderFiles() {
        return maxFolderFiles;
    }

    /** Most bytes a directory's torrent may hold. */
    public long maxFolderBytes() {
        return maxFolderBytes;
    }

    /** Metainfo of new torrents: v1, hybrid or v2. */
    public TorrentVersion torrentVersion() {
        return torrentVersion;
    }

    /**
     * The peer address announced to the DHT and trackers and published to the other instances sharing the metadata
     * directory (unresolved; port 0 = the listener's), or null for the bridge's own (bind address and port).
     */
    public InetSocketAddress announceAddress() {
        return announceAddress;
    }

    /** How long a hashing claim in the (shared) metadata directory holds without being renewed. */
    public Duration hashLease() {
        return hashLease;
    }

    /** Which paths are bridged and which pages get links: {@code include}, {@code exclude}, {@code inject-*}. */
    public PathPolicy pathPolicy() {
        return pathPolicy;
    }

    @Override
    public String toString() {
        return "BridgeSettings[enabled=" + enabled + ", include=" + include + ", exclude=" + exclude + ", minSize=" + minSize
                + ", pieceSize=" + pieceSize + ", bind=" + bindAddress.getHostAddress() + ", port=" + port + ", dht=" + dht
                + ", dhtPort=" + dhtPort + ", dhtBootstrap=" + dhtBootstrap + ", dhtPublicRouters=" + dhtPublicRouters
                + ", origin=" + origin + ", metadataDir=" + metadataDir + ", cacheMiB=" + cacheMiB + ", diskCacheMiB=" + diskCacheMiB
                + ", diskCacheDir=" + diskCacheDir + ", trackers=" + trackers + ", trustedProxies=" + trustedProxies
                + ", webSeed=" + webSeed + ", injectLinks=" + injectLinks + ", injectPaths=" + injectPaths + ", statusPath="
                + statusPath + ", hashJobs=" + hashJobs + ", maxWait=" + maxWait + ", tracker=" + tracker + ", publicUrl="
                + publicUrl + ", announceAddress=" + announceAddress + ", hashLease=" + hashLease + ", " + limits + ", " + peerBudgets + ", seeding=" + seeding.settingName()
                + ", maxFolderFiles=" + maxFolderFiles + ", maxFolderBytes=" + maxFolderBytes
                + ", torrentVersion=" + torrentVersion.label() + "]";
    }


    /**
     * Builds {@link BridgeSettings}. Each setter checks its value; every error names the parameter ({@code torrent-bridge.*}) and the bad value.
     */
    public static final class Builder {
        private boolean enabled = Settings.ENABLED.defaultBoolean();
        private List<String> include = Settings.INCLUDE.parseList(Settings.INCLUDE.shownDefault());
        private List<String> exclude = List.of();
        private long minSize = Settings.MIN_SIZE.defaultLong();
        private int pieceSize;
        private InetAddress bindAddress = Settings.BIND.parseAddress(Settings.BIND.shownDefault());
        private int port = (int) Settings.PORT.defaultLong();
        private boolean dht = Settings.DHT.defaultBoolean();
        private int dhtPort = (int) Settings.DHT_PORT.defaultLong();
        private List<InetSocketAddress> dhtBootstrap = List.of();
        private boolean dhtPublicRouters = Settings.DHT_PUBLIC_ROUTERS.defaultBoolean();
        private URI origin;
        private Path metadataDir;
        private long cacheMiB = Settings.CACHE_MIB.defaultLong();
        private long diskCacheMiB = Settings.DISK_CACHE_MIB.defaultLong();
        private Path diskCacheDir;
        private List<String> trackers = List.of();
        private TrustedProxies trustedProxies = TrustedProxies.none();
        private boolean webSeed = Settings.WEBSEED.defaultBoolean();
        private boolean injectLinks = Settings.INJECT_LINKS.defaultBoolean();
        private List<String> injectPaths = Settings.INJECT_PATHS.parseList(Settings.INJECT_PATHS.shownDefault());
        private String statusPath = Settings.STATUS_PATH.shownDefault();
        private int hashJobs = (int) Settings.HASH_JOBS.defaultLong();
        private Duration maxWait = Duration.ofSeconds(Settings.MAX_WAIT.defaultLong());
        private boolean tracker = Settings.TRACKER.defaultBoolean();
        private URI publicUrl;
        private int maxPeers = (int) Settings.MAX_PEERS.defaultLong();
        private int maxPeersPerTorrent = (int) Settings.MAX_PEERS_PER_TORRENT.defaultLong();
        private long maxUploadKiB = Settings.MAX_UPLOAD_KIB.defaultLong();
        private int originConnections = (int) Settings.ORIGIN_CONNECTIONS.defaultLong();
        private int hashQueue = (int) Settings.HASH_QUEUE.defaultLong();
        private long metadataMaxMiB = Settings.METADATA_MAX_MIB.defaultLong();
        private int maxFolderFiles = (int) Settings.MAX_FOLDER_FILES.defaultLong();
        private long maxFolderBytes = Settings.MAX_FOLDER_BYTES.defaultLong();
        private TorrentVersion torrentVersion = TorrentVersion.parse(Settings.TORRENT_VERSION.shownDefault());
        private InetSocketAddress announceAddress;
        private final io.github.torrenthttpbridge.engine.PeerBudgets.Builder budgets =
                io.github.torrenthttpbridge.engine.PeerBudgets.builder();

        private io.github.torrenthttpbridge.engine.SeedingMode seeding = io.github.torrenthttpbridge.engine.SeedingMode.PLAIN;

        /** How pieces are shown to peers. */
        public Builder seeding(io.github.torrenthttpbridge.engine.SeedingMode mode) {
            seeding = Objects.requireNonNull(mode, "seeding");
            return this;
        }

        /** Changes the peers' budgets (each value is checked by {@code PeerBudgets.Builder} as it is set). */
        public Builder peerBudgets(java.util.function.Consumer<io.github.torrenthttpbridge.engine.PeerBudgets.Builder> change) {
            change.accept(budgets);
            return this;
        }
        private Duration hashLease = Duration.ofSeconds(Settings.HASH_LEASE.defaultLong());

        private Builder(Path tempDir) {
            this.metadataDir = Objects.requireNonNull(tempDir, "tempDir").resolve("torrent-bridge");
        }


        public Builder enabled(boolean on) {
            enabled = on;
            return this;
        }

        public Builder include(List<String> patterns) {
            include = patterns(patterns, Settings.INCLUDE);
            return this;
        }

        public Builder exclude(List<String> patterns) {
            exclude = patterns(patterns, Settings.EXCLUDE);
            return this;
        }

        public Builder minSize(long bytes) {
            minSize = Settings.MIN_SIZE.check(bytes);
            return this;
        }

        /** 0 = automatic, else a power of two 16 KiB..16 MiB. */
        public Builder pieceSize(int bytes) {
            if (bytes != 0) {
                try {
                    PieceSize.validate(bytes);
                } catch (IllegalArgumentException e) {
                    throw Settings.PIECE_SIZE.bad(bytes, "auto or a power of two between 16384 and 16777216");
                }
            }
            pieceSize = bytes;
            return this;
        }

        public Builder bindAddress(InetAddress address) {
            bindAddress = Objects.requireNonNull(address, "bind");
            return this;
        }

        /** TCP port for peers; 0 picks a free one. */
        public Builder port(int p) {
            port = (int) Settings.PORT.check(p);
            return this;
        }

        public Builder dht(boolean on) {
            dht = on;
            return this;
        }

        public Builder dhtPort(int p) {
            dhtPort = (int) Settings.DHT_PORT.check(p);
            return this;
        }

        public Builder dhtBootstrap(List<InetSocketAddress> nodes) {
            dhtBootstrap = List.copyOf(nodes);
            return this;
        }

        public Builder dhtPublicRouters(boolean on) {
            dhtPublicRouters = on;
            return this;
        }

        /** The origin URL; null (the default) to learn it from the first request's connector. */
        public Builder origin(URI url) {
            origin = url == null ? null : checkUrl(Settings.ORIGIN, url);
            return this;
        }

        public Builder metadataDir(Path dir) {
            metadataDir = Objects.requireNonNull(dir, "metadata-dir");
            return this;
        }

        public Builder cacheMiB(long mib) {
            cacheMiB = Settings.CACHE_MIB.check(mib);
            return this;
        }

        /** Disk for verified pieces below the memory cache, MiB; 0 for none. Default 1024. */
        public Builder diskCacheMiB(long mib) {
            diskCacheMiB = Settings.DISK_CACHE_MIB.check(mib);
            return this;
        }

        /** Directory of the disk cache (locked for one bridge; span files deleted at start and stop). */
        public Builder diskCacheDir(Path dir) {
            diskCacheDir = Objects.requireNonNull(dir, "disk-cache-dir");
            return this;
        }

        /** Addresses and CIDR blocks of the proxies whose X-Forwarded-For / Forwarded headers are believed. */
        public Builder trustedProxies(List<String> entries) {
            try {
                trustedProxies = TrustedProxies.parse(entries);
            } catch (IllegalArgumentException e) {
                throw Settings.TRUSTED_PROXIES.bad(String.join(",", entries), "IP addresses or CIDR blocks, comma-separated (e.g. 127.0.0.1, 10.0.0.0/8, ::1)");
            }
            return this;
        }

        public Builder trackers(List<String> urls) {
            for (String t : urls) {
                if (!t.matches("(?i)(https?|udp)://.+")) {
                    throw Settings.TRACKERS.bad(t, "http://, https:// or udp:// announce URLs");
                }
            }
            trackers = List.copyOf(urls);
            return this;
        }

        public Builder webSeed(boolean on) {
            webSeed = on;
            return this;
        }

        public Builder injectLinks(boolean on) {
            injectLinks = on;
            return this;
        }

        public Builder injectPaths(List<String> patterns) {
            injectPaths = List.copyOf(patterns);
            return this;
        }

        public Builder statusPath(String path) {
            if (path == null || !path.startsWith("/") || !path.endsWith("/")) {
                throw Settings.STATUS_PATH.bad(path, "a path starting and ending with '/'");
            }
            statusPath = path;
            return this;
        }

        public Builder hashJobs(int n) {
            hashJobs = (int) Settings.HASH_JOBS.check(n);
            return this;
        }

        public Builder maxWait(Duration wait) {
            Settings.MAX_WAIT.check(wait.toSeconds());
            maxWait = wait;
            return this;
        }

        public Builder tracker(boolean on) {
            tracker = on;
            return this;
        }

        /** The site's public base URL; null (the default) for the origin. */
        public Builder publicUrl(URI url) {
            publicUrl = url == null ? null : checkUrl(Settings.PUBLIC_URL, url);
            return this;
        }

        public Builder maxPeers(int n) {
            maxPeers = (int) Settings.MAX_PEERS.check(n);
            return this;
        }

        public Builder maxPeersPerTorrent(int n) {
            maxPeersPerTorrent = (int) Settings.MAX_PEERS_PER_TORRENT.check(n);
            return this;
        }

        public Builder maxUploadKiB(long kib) {
            maxUploadKiB = Settings.MAX_UPLOAD_KIB.check(kib);
            return this;
        }

        public Builder originConnections(int n) {
            originConnections = (int) Settings.ORIGIN_CONNECTIONS.check(n);
            return this;
        }

        public Builder hashQueue(int n) {
            hashQueue = (int) Settings.HASH_QUEUE.check(n);
            return this;
        }

        public Builder metadataMaxMiB(long mib) {
            metadataMaxMiB = Settings.METADATA_MAX_MIB.check(mib);
            return this;
        }

        /** Most files in a directory's torrent (default 1000). */
        public Builder maxFolderFiles(int n) {
            maxFolderFiles = (int) Settings.MAX_FOLDER_FILES.check(n);
            return this;
        }

        /** Most bytes in a directory's torrent (default 64 GiB). */
        public Builder maxFolderBytes(long bytes) {
            maxFolderBytes = Settings.MAX_FOLDER_BYTES.check(bytes);
            return this;
        }

        /** Metainfo of new torrents (default v1). */
        public Builder torrentVersion(TorrentVersion v) {
            torrentVersion = Objects.requireNonNull(v, "torrent-version");
            return this;
        }

        /**
         * The peer address to announce (host: IP or DNS name; port 0 = the listener's); null (the default) for the
         * bridge's own.
         */
        public Builder announceAddress(InetSocketAddress address) {
            if (address != null && (address.getHostString() == null || address.getHostString().isBlank())) {
                throw Settings.ANNOUNCE_ADDRESS.bad(address, "HOST or HOST:PORT");
            }
            announceAddress = address == null ? null : InetSocketAddress.createUnresolved(address.getHostString(), address.getPort());
            return this;
        }

        /** Lease of a hashing claim in the metadata directory, 5 s to 1 h (default 30 s). */
        public Builder hashLease(Duration lease) {
            Settings.HASH_LEASE.check(lease.toSeconds());
            hashLease = lease;
            return this;
        }

        public BridgeSettings build() {
            return new BridgeSettings(this);
        }


        private static List<String> patterns(List<String> patterns, Setting setting) {
            for (String pattern : patterns) {
                if (!pattern.startsWith("/") && !pattern.startsWith("*.")) {
                    throw setting.bad(pattern, "a pattern starts with '/' or '*.'");
                }
            }
            return List.copyOf(patterns);
        }

        private static URI checkUrl(Setting setting, URI u) {
            if (u.getScheme() == null || !u.getScheme().matches("https?") || u.getHost() == null
                    || u.getRawQuery() != null || u.getRawFragment() != null) {
                throw setting.bad(u, "an absolute http(s) URL without query or fragment");
            }
            return URI.create(u.toString().replaceAll("/+$", ""));
        }
    }
}
