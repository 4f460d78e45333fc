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
    public static final String PREFIX = "torrent-bridge.";

    /** Every parameter (full name, default as documented, meaning), in documentation order; read-only. */
    public static java.util.List<SettingsParser.Parameter> parameters() {
        return SettingsParser.PARAMETERS;
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

    /** @param tempDir the context's temporary directory; the default metadata directory is under it */
    public static Builder builder(Path tempDir) {
        return new Builder(tempDir);
    }

    /**
     * Parses the parameters; {@code get} returns a parameter's value, or null when it is not set. A blank value
     * is the same as not set (the default).
     */
    public static BridgeSettings parse(Function<String, String> get, Path tempDir) {
        return SettingsParser.parse(get, builder(tempDir));
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

    static IllegalArgumentException bad(String name, Object value, String expected) {
        return new IllegalArgumentException("bad value '" + value + "' for " + PREFIX + name + ": expected " + expected);
    }

    /**
     * Builds {@link BridgeSettings}. Each setter checks its value; every error names the parameter ({@code torrent-bridge.*}) and the bad value.
     */
    public static final class Builder {
        private boolean enabled = true;
        private List<String> include = List.of("/*");
        private List<String> exclude = List.of();
        private long minSize = 1 << 20;
        private int pieceSize;
        private InetAddress bindAddress = anyAddress();
        private int port = 6881;
        private boolean dht = true;
        private int dhtPort = 6881;
        private List<InetSocketAddress> dhtBootstrap = List.of();
        private boolean dhtPublicRouters = true;
        private URI origin;
        private Path metadataDir;
        private long cacheMiB = 128;
        private long diskCacheMiB = 1024;
        private Path diskCacheDir;
        private List<String> trackers = List.of();
        private TrustedProxies trustedProxies = TrustedProxies.none();
        private boolean webSeed = true;
        private boolean injectLinks = true;
        private List<String> injectPaths = List.of("/*");
        private String statusPath = "/torrent-bridge/";
        private int hashJobs = 1;
        private Duration maxWait = Duration.ZERO;
        private boolean tracker = true;
        private URI publicUrl;
        private int maxPeers = 200;
        private int maxPeersPerTorrent = 50;
        private long maxUploadKiB;
        private int originConnections = 8;
        private int hashQueue = 100;
        private long metadataMaxMiB = 256;
        private int maxFolderFiles = 1000;
        private long maxFolderBytes = 64L << 30;
        private TorrentVersion torrentVersion = TorrentVersion.V1;
        private InetSocketAddress announceAddress;
        private final io.github.torrenthttpbridge.engine.PeerBudgets.Builder budgets =
                io.github.torrenthttpbridge.engine.PeerBudgets.builder();

        private io.github.torrenthttpbridge.engine.SeedingMode seeding = io.github.torrenthttpbridge.engine.SeedingMode.ECONOMICAL;

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
        private Duration hashLease = Duration.ofSeconds(30);

        private Builder(Path tempDir) {
            this.metadataDir = Objects.requireNonNull(tempDir, "tempDir").resolve("torrent-bridge");
        }

        private static InetAddress anyAddress() {
            try {
                return InetAddress.getByAddress(new byte[4]);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        public Builder enabled(boolean on) {
            enabled = on;
            return this;
        }

        public Builder include(List<String> patterns) {
            include = patterns(patterns, "include");
            return this;
        }

        public Builder exclude(List<String> patterns) {
            exclude = patterns(patterns, "exclude");
            return this;
        }

        public Builder minSize(long bytes) {
            minSize = check("min-size", bytes, 0, Long.MAX_VALUE);
            return this;
        }

        /** 0 = automatic, else a power of two 16 KiB..16 MiB. */
        public Builder pieceSize(int bytes) {
            if (bytes != 0) {
                try {
                    PieceSize.validate(bytes);
                } catch (IllegalArgumentException e) {
                    throw bad("piece-size", bytes, "auto or a power of two between 16384 and 16777216");
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
            port = (int) check("port", p, 0, 65535);
            return this;
        }

        public Builder dht(boolean on) {
            dht = on;
            return this;
        }

        public Builder dhtPort(int p) {
            dhtPort = (int) check("dht-port", p, 0, 65535);
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
            origin = url == null ? null : checkUrl("origin", url);
            return this;
        }

        public Builder metadataDir(Path dir) {
            metadataDir = Objects.requireNonNull(dir, "metadata-dir");
            return this;
        }

        public Builder cacheMiB(long mib) {
            cacheMiB = check("cache-mib", mib, 0, 1 << 20);
            return this;
        }

        /** Disk for verified pieces below the memory cache, MiB; 0 for none. Default 1024. */
        public Builder diskCacheMiB(long mib) {
            diskCacheMiB = check("disk-cache-mib", mib, 0, 1L << 30);
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
                throw bad("trusted-proxies", String.join(",", entries), "IP addresses or CIDR blocks, comma-separated (e.g. 127.0.0.1, 10.0.0.0/8, ::1)");
            }
            return this;
        }

        public Builder trackers(List<String> urls) {
            for (String t : urls) {
                if (!t.matches("(?i)(https?|udp)://.+")) {
                    throw bad("trackers", t, "http://, https:// or udp:// announce URLs");
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
                throw bad("status-path", path, "a path starting and ending with '/'");
            }
            statusPath = path;
            return this;
        }

        public Builder hashJobs(int n) {
            hashJobs = (int) check("hash-jobs", n, 1, 64);
            return this;
        }

        public Builder maxWait(Duration wait) {
            check("max-wait", wait.toSeconds(), 0, 3600);
            maxWait = wait;
            return this;
        }

        public Builder tracker(boolean on) {
            tracker = on;
            return this;
        }

        /** The site's public base URL; null (the default) for the origin. */
        public Builder publicUrl(URI url) {
            publicUrl = url == null ? null : checkUrl("public-url", url);
            return this;
        }

        public Builder maxPeers(int n) {
            maxPeers = (int) check("max-peers", n, 1, 100_000);
            return this;
        }

        public Builder maxPeersPerTorrent(int n) {
            maxPeersPerTorrent = (int) check("max-peers-per-torrent", n, 1, 100_000);
            return this;
        }

        public Builder maxUploadKiB(long kib) {
            maxUploadKiB = check("max-upload-kib", kib, 0, 1L << 30);
            return this;
        }

        public Builder originConnections(int n) {
            originConnections = (int) check("origin-connections", n, 1, 1024);
            return this;
        }

        public Builder hashQueue(int n) {
            hashQueue = (int) check("hash-queue", n, 1, 100_000);
            return this;
        }

        public Builder metadataMaxMiB(long mib) {
            metadataMaxMiB = check("metadata-max-mib", mib, 1, 1L << 30);
            return this;
        }

        /** Most files in a directory's torrent (default 1000). */
        public Builder maxFolderFiles(int n) {
            maxFolderFiles = (int) check("max-folder-files", n, 1, 1_000_000);
            return this;
        }

        /** Most bytes in a directory's torrent (default 64 GiB). */
        public Builder maxFolderBytes(long bytes) {
            maxFolderBytes = check("max-folder-bytes", bytes, 1, TorrentMetadata.MAX_LENGTH);
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
                throw bad("announce-address", address, "HOST or HOST:PORT");
            }
            announceAddress = address == null ? null : InetSocketAddress.createUnresolved(address.getHostString(), address.getPort());
            return this;
        }

        /** Lease of a hashing claim in the metadata directory, 5 s to 1 h (default 30 s). */
        public Builder hashLease(Duration lease) {
            check("hash-lease", lease.toSeconds(), 5, 3600);
            hashLease = lease;
            return this;
        }

        public BridgeSettings build() {
            return new BridgeSettings(this);
        }

        static long check(String name, long v, long min, long max) {
            if (v < min || v > max) {
                throw bad(name, v, "an integer from " + min + " to " + max);
            }
            return v;
        }

        private static List<String> patterns(List<String> patterns, String name) {
            for (String pattern : patterns) {
                if (!pattern.startsWith("/") && !pattern.startsWith("*.")) {
                    throw bad(name, pattern, "a pattern starts with '/' or '*.'");
                }
            }
            return List.copyOf(patterns);
        }

        private static URI checkUrl(String name, URI u) {
            if (u.getScheme() == null || !u.getScheme().matches("https?") || u.getHost() == null
                    || u.getRawQuery() != null || u.getRawFragment() != null) {
                throw bad(name, u, "an absolute http(s) URL without query or fragment");
            }
            return URI.create(u.toString().replaceAll("/+$", ""));
        }
    }
}
