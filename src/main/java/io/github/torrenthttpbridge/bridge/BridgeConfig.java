package io.github.torrenthttpbridge.bridge;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.torrenthttpbridge.origin.OriginClientConfig;
import io.github.torrenthttpbridge.settings.Settings;

/**
 * Immutable configuration of a {@link TorrentBridge}, made only with {@link #builder()} and validated in
 * {@link Builder#build()} (and by some setters as they are called), with messages that name the bad setting.
 */
public final class BridgeConfig {
    private final InetAddress bindAddress;
    private final int port;
    private final boolean dhtEnabled;
    private final int dhtPort;
    private final List<InetSocketAddress> dhtBootstrap;
    private final boolean dhtPublicRouters;
    private final long cacheBytes;
    private final int minFetchBytes;
    private final int maxPeers;
    private final int maxPeersPerTorrent;
    private final int maxPendingReads;
    private final Duration peerDiscoveryInterval;
    private final OriginClientConfig origin;
    private final int maxOutstandingPerPeer;
    private final long maxUploadBytesPerSecond;
    private final int uploadSlots;
    private final long diskCacheBytes;
    private final java.nio.file.Path diskCacheDir;
    private final InetSocketAddress announceAddress;

    private final io.github.torrenthttpbridge.engine.PeerBudgets peerBudgets;
    private final io.github.torrenthttpbridge.engine.SeedingMode seeding;

    /** Only {@link Builder#build()} makes one, after checking every setting. */
    private BridgeConfig(InetAddress bindAddress, int port, boolean dhtEnabled, int dhtPort,
                         List<InetSocketAddress> dhtBootstrap, boolean dhtPublicRouters, long cacheBytes,
                         int minFetchBytes, int maxPeers, int maxPeersPerTorrent, int maxPendingReads,
                         Duration peerDiscoveryInterval, OriginClientConfig origin, int maxOutstandingPerPeer,
                         long maxUploadBytesPerSecond, int uploadSlots, long diskCacheBytes,
                         java.nio.file.Path diskCacheDir, InetSocketAddress announceAddress,
                         io.github.torrenthttpbridge.engine.PeerBudgets peerBudgets,
                         io.github.torrenthttpbridge.engine.SeedingMode seeding) {
        this.peerBudgets = peerBudgets;
        this.seeding = seeding;
        this.bindAddress = bindAddress;
        this.port = port;
        this.dhtEnabled = dhtEnabled;
        this.dhtPort = dhtPort;
        this.dhtBootstrap = List.copyOf(dhtBootstrap);
        this.dhtPublicRouters = dhtPublicRouters;
        this.cacheBytes = cacheBytes;
        this.minFetchBytes = minFetchBytes;
        this.maxPeers = maxPeers;
        this.maxPeersPerTorrent = maxPeersPerTorrent;
        this.maxPendingReads = maxPendingReads;
        this.peerDiscoveryInterval = peerDiscoveryInterval;
        this.origin = origin;
        this.maxOutstandingPerPeer = maxOutstandingPerPeer;
        this.maxUploadBytesPerSecond = maxUploadBytesPerSecond;
        this.uploadSlots = uploadSlots;
        this.diskCacheBytes = diskCacheBytes;
        this.diskCacheDir = diskCacheDir;
        this.announceAddress = announceAddress;
    }

    public InetAddress bindAddress() {
        return bindAddress;
    }

    /** What one peer, one IP address and all peers together may make the bridge hold or do. */
    public io.github.torrenthttpbridge.engine.PeerBudgets peerBudgets() {
        return peerBudgets;
    }

    /** How pieces are shown to peers. */
    public io.github.torrenthttpbridge.engine.SeedingMode seeding() {
        return seeding;
    }

    public int port() {
        return port;
    }

    public boolean dhtEnabled() {
        return dhtEnabled;
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

    public long cacheBytes() {
        return cacheBytes;
    }

    public int minFetchBytes() {
        return minFetchBytes;
    }

    public int maxPeers() {
        return maxPeers;
    }

    public int maxPeersPerTorrent() {
        return maxPeersPerTorrent;
    }

    public int maxPendingReads() {
        return maxPendingReads;
    }

    public Duration peerDiscoveryInterval() {
        return peerDiscoveryInterval;
    }

    public OriginClientConfig origin() {
        return origin;
    }

    public int maxOutstandingPerPeer() {
        return maxOutstandingPerPeer;
    }

    public long maxUploadBytesPerSecond() {
        return maxUploadBytesPerSecond;
    }

    public int uploadSlots() {
        return uploadSlots;
    }

    public long diskCacheBytes() {
        return diskCacheBytes;
    }

    public java.nio.file.Path diskCacheDir() {
        return diskCacheDir;
    }

    /**
     * The peer address announced to the DHT (its port) and to trackers (its port, and its host as {@code ip}); null
     * (the default) for the listener's own port, with no {@code ip}. A port of 0 means the listener's.
     */
    public InetSocketAddress announceAddress() {
        return announceAddress;
    }

    @Override
    public String toString() {
        return "BridgeConfig[" + "bindAddress=" + bindAddress
                + ", " + "port=" + port
                + ", " + "dhtEnabled=" + dhtEnabled
                + ", " + "dhtPort=" + dhtPort
                + ", " + "dhtBootstrap=" + dhtBootstrap
                + ", " + "dhtPublicRouters=" + dhtPublicRouters
                + ", " + "cacheBytes=" + cacheBytes
                + ", " + "minFetchBytes=" + minFetchBytes
                + ", " + "maxPeers=" + maxPeers
                + ", " + "maxPeersPerTorrent=" + maxPeersPerTorrent
                + ", " + "maxPendingReads=" + maxPendingReads
                + ", " + "peerDiscoveryInterval=" + peerDiscoveryInterval
                + ", " + "origin=" + origin
                + ", " + "maxOutstandingPerPeer=" + maxOutstandingPerPeer
                + ", " + "maxUploadBytesPerSecond=" + maxUploadBytesPerSecond
                + ", " + "uploadSlots=" + uploadSlots
                + ", " + "seeding=" + seeding.settingName()
                + ", " + "diskCacheBytes=" + diskCacheBytes
                + ", " + "diskCacheDir=" + diskCacheDir
                + ", " + "announceAddress=" + announceAddress + "]";
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.bindAddress = bindAddress;
        b.port = port;
        b.dhtEnabled = dhtEnabled;
        b.dhtPort = dhtPort;
        b.dhtBootstrap = new ArrayList<>(dhtBootstrap);
        b.dhtPublicRouters = dhtPublicRouters;
        b.cacheBytes = cacheBytes;
        b.minFetchBytes = minFetchBytes;
        b.maxPeers = maxPeers;
        b.maxPeersPerTorrent = maxPeersPerTorrent;
        b.maxPendingReads = maxPendingReads;
        b.peerDiscoveryInterval = peerDiscoveryInterval;
        b.origin = origin;
        b.maxOutstandingPerPeer = maxOutstandingPerPeer;
        b.maxUploadBytesPerSecond = maxUploadBytesPerSecond;
        b.uploadSlots = uploadSlots;
        b.diskCacheBytes = diskCacheBytes;
        b.diskCacheDir = diskCacheDir;
        b.announceAddress = announceAddress;
        b.peerBudgets = peerBudgets;
        b.seeding = seeding;
        return b;
    }

    /** Builder with the defaults documented on each setter. */
    public static final class Builder {
        private InetAddress bindAddress;
        private int port = (int) Settings.PORT.defaultLong();
        private boolean dhtEnabled = Settings.DHT.defaultBoolean();
        private int dhtPort = (int) Settings.DHT_PORT.defaultLong();
        private List<InetSocketAddress> dhtBootstrap = new ArrayList<>();
        private boolean dhtPublicRouters = Settings.DHT_PUBLIC_ROUTERS.defaultBoolean();
        private long cacheBytes = Settings.CACHE_MIB.defaultScaled();
        private int minFetchBytes = 1024 * 1024;
        private int maxPeers = (int) Settings.MAX_PEERS.defaultLong();
        private int maxPeersPerTorrent = (int) Settings.MAX_PEERS_PER_TORRENT.defaultLong();
        private int maxPendingReads = 4096;
        private Duration peerDiscoveryInterval = Duration.ofSeconds(30);
        private OriginClientConfig origin = OriginClientConfig.defaults();
        private int maxOutstandingPerPeer = 2048;
        private long maxUploadBytesPerSecond = Settings.MAX_UPLOAD_KIB.defaultScaled();
        private int uploadSlots = 32;
        private long diskCacheBytes = Settings.DISK_CACHE_MIB.defaultScaled();
        private java.nio.file.Path diskCacheDir;
        private io.github.torrenthttpbridge.engine.PeerBudgets peerBudgets = io.github.torrenthttpbridge.engine.PeerBudgets.defaults();

        private io.github.torrenthttpbridge.engine.SeedingMode seeding = io.github.torrenthttpbridge.engine.SeedingMode.PLAIN;

        /** How pieces are shown to peers (default plain; economical: each piece leaves the seed about once per swarm). */
        public Builder seeding(io.github.torrenthttpbridge.engine.SeedingMode mode) {
            this.seeding = java.util.Objects.requireNonNull(mode, "seeding");
            return this;
        }

        /** The peers' budgets (default {@link io.github.torrenthttpbridge.engine.PeerBudgets#defaults()}). */
        public Builder peerBudgets(io.github.torrenthttpbridge.engine.PeerBudgets budgets) {
            this.peerBudgets = java.util.Objects.requireNonNull(budgets, "peerBudgets");
            return this;
        }
        private InetSocketAddress announceAddress;

        private Builder() {
            try {
                bindAddress = Settings.BIND.parseAddress(Settings.BIND.shownDefault());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Address for the peer listener and DHT node. Default: all IPv4 addresses. */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = address;
            return this;
        }

        /** TCP port for peers; 0 picks a free one. Default 6881. */
        public Builder port(int port) {
            this.port = (int) Settings.PORT.check(port);
            return this;
        }

        /** Join the Mainline DHT and announce every torrent there. Default on. */
        public Builder dht(boolean enabled) {
            this.dhtEnabled = enabled;
            return this;
        }

        /** UDP port of the DHT node; 0 picks a free one. Default 6881. */
        public Builder dhtPort(int port) {
            this.dhtPort = (int) Settings.DHT_PORT.check(port);
            return this;
        }

        /** Adds a DHT bootstrap node. */
        public Builder dhtBootstrap(InetSocketAddress node) {
            this.dhtBootstrap.add(node);
            return this;
        }

        public Builder dhtBootstrap(List<InetSocketAddress> nodes) {
            this.dhtBootstrap = new ArrayList<>(nodes);
            return this;
        }

        /** Bootstrap from the public DHT routers (router.bittorrent.com and others). Default on. */
        public Builder dhtPublicRouters(boolean use) {
            this.dhtPublicRouters = use;
            return this;
        }

        /** Memory for verified pieces, shared by all torrents. Default 128 MiB. */
        public Builder cacheMiB(long mib) {
            this.cacheBytes = Settings.CACHE_MIB.check(mib) * Settings.CACHE_MIB.unit();
            return this;
        }

        /**
         * Disk for verified spans below the memory cache, shared by all torrents; 0 turns the disk tier off.
         * Default 1 GiB. While it holds a file, the origin serves each byte of it about once, however many peers
         * ask and in whatever order. Pieces read back from it are verified again before use.
         */
        public Builder diskCacheMiB(long mib) {
            this.diskCacheBytes = Settings.DISK_CACHE_MIB.check(mib) * Settings.DISK_CACHE_MIB.unit();
            return this;
        }

        /**
         * Directory of the disk cache: span files in it are deleted at start and at close, and it is locked so one
         * bridge uses it. Default: a new temporary directory, removed at close.
         */
        public Builder diskCacheDir(java.nio.file.Path dir) {
            this.diskCacheDir = dir;
            return this;
        }

        /** Smallest origin request: small pieces are fetched several at a time. Default 1 MiB. */
        public Builder minFetchBytes(int bytes) {
            this.minFetchBytes = bytes;
            return this;
        }

        /** Peer connections in all (default 200) and per torrent (default 50). */
        public Builder maxPeers(int total, int perTorrent) {
            this.maxPeers = (int) Settings.MAX_PEERS.check(total);
            this.maxPeersPerTorrent = (int) Settings.MAX_PEERS_PER_TORRENT.check(perTorrent);
            return this;
        }

        /** Block requests that may wait for their piece at once; beyond it requests are refused. Default 4096. */
        public Builder maxPendingReads(int n) {
            this.maxPendingReads = n;
            return this;
        }

        /**
         * The first announces (DHT and trackers) of the bridge's torrents are spread over this, clamped to 1..5 s, so
         * many torrents restored at start do not announce in one burst; later announces follow the trackers'
         * intervals and the DHT's schedule. Default 30 s (that is, 5 s).
         */
        public Builder peerDiscoveryInterval(Duration interval) {
            this.peerDiscoveryInterval = interval;
            return this;
        }

        /**
         * Block requests one peer may have waiting (not yet sent) before it is disconnected as a flooder or a
         * connection that does not read. Default 2048 (32 MiB of 16 KiB blocks; libtorrent keeps at most 500).
         */
        public Builder maxOutstandingPerPeer(int n) {
            this.maxOutstandingPerPeer = n;
            return this;
        }

        /** Upload cap for all torrents together, bytes per second; 0 (the default) for none. */
        public Builder maxUploadBytesPerSecond(long bytesPerSecond) {
            this.maxUploadBytesPerSecond = Settings.MAX_UPLOAD_KIB.checkScaled(bytesPerSecond);
            return this;
        }

        /**
         * Peers unchoked (served) at once, all torrents together; interested peers beyond it wait their turn, and
         * the longest-served make room for them every 10 s (after at least 30 s). Default 32.
         */
        public Builder uploadSlots(int n) {
            if (n < 1 || n > 10_000) {
                throw new IllegalArgumentException("uploadSlots must be between 1 and 10000, got " + n);
            }
            this.uploadSlots = n;
            return this;
        }

        /**
         * The address peers should reach this bridge at, announced to the DHT (the port; DHT nodes take the address
         * the announce came from) and to trackers (the port, and the host as BEP 3's {@code ip}: an IP or DNS name;
         * may be unresolved). Port 0 means the listener's port. Default null: the listener's port, no {@code ip}.
         * Announces are sent from {@link #bindAddress} when it is not a wildcard.
         */
        public Builder announceAddress(InetSocketAddress address) {
            if (address != null && (address.getHostString() == null || address.getHostString().isEmpty())) {
                throw new IllegalArgumentException("announceAddress needs a host, got " + address);
            }
            this.announceAddress = address;
            return this;
        }

        /** Origin connection limits, timeouts and retries. */
        public Builder origin(OriginClientConfig origin) {
            this.origin = origin;
            return this;
        }

        public BridgeConfig build() {
            if (bindAddress == null) {
                throw new IllegalArgumentException("bindAddress must be set");
            }
            if (minFetchBytes < 16 * 1024 || minFetchBytes > 64 * 1024 * 1024) {
                throw new IllegalArgumentException("minFetchBytes must be between 16 KiB and 64 MiB, got " + minFetchBytes);
            }
            if (maxPendingReads < 1) {
                throw new IllegalArgumentException("maxPendingReads must be at least 1");
            }
            if (peerDiscoveryInterval == null || peerDiscoveryInterval.toMillis() < 100) {
                throw new IllegalArgumentException("peerDiscoveryInterval must be at least 100 ms");
            }
            if (maxOutstandingPerPeer < 1) {
                throw new IllegalArgumentException("maxOutstandingPerPeer must be at least 1, got " + maxOutstandingPerPeer);
            }
            if (origin == null) {
                throw new IllegalArgumentException("origin config must be set");
            }
            return new BridgeConfig(bindAddress, port, dhtEnabled, dhtPort, dhtBootstrap, dhtPublicRouters, cacheBytes,
                    minFetchBytes, maxPeers, maxPeersPerTorrent, maxPendingReads, peerDiscoveryInterval, origin,
                    maxOutstandingPerPeer, maxUploadBytesPerSecond, uploadSlots, diskCacheBytes, diskCacheDir,
                    announceAddress, peerBudgets, seeding);
        }

    }
}
