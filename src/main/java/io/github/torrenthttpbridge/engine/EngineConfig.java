package io.github.torrenthttpbridge.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * What the BitTorrent engine needs to start. Built by the bridge from its own configuration.
 *
 * @param bindAddress        address the peer listener (and DHT) bind to
 * @param port               TCP port for peers (never 0 here: the bridge picks a free one first)
 * @param dhtEnabled         whether to join the Mainline DHT
 * @param dhtPort            UDP port of the DHT node
 * @param dhtBootstrap       extra DHT bootstrap nodes
 * @param dhtPublicRouters   whether to bootstrap from the public routers (router.bittorrent.com, ...)
 * @param maxPeers           peer connections in all
 * @param maxPeersPerTorrent peer connections per torrent
 * @param maxPendingReads    block reads waiting for pieces at once before further requests are refused
 * @param peerDiscoveryInterval the first announces of the engine's torrents are spread over this, clamped to 1..5 s (after
 *                           them, the trackers' intervals and the DHT schedule decide when to announce again)
 * @param maxOutstandingPerPeer block requests one peer may have waiting before it is disconnected
 * @param maxUploadBytesPerSecond upload cap for all torrents together; 0 for none
 * @param uploadSlots        peers unchoked at once, all torrents together (the new engine)
 * @param announceAddress    the address announced to the DHT (its port) and to trackers (port, and host as {@code ip}),
 *                           or null for the listener's own port and no {@code ip}; a port of 0 means the listener's
 * @param budgets            what one peer, one IP address and all peers may make the engine hold or do (the per-peer send
 *                           budget {@link PeerBudgets#sendBufferBytes()} among them)
 * @param seeding            how pieces are shown to peers (plain unless said otherwise)
 */
public record EngineConfig(InetAddress bindAddress, int port, boolean dhtEnabled, int dhtPort,
                           List<InetSocketAddress> dhtBootstrap, boolean dhtPublicRouters, int maxPeers,
                           int maxPeersPerTorrent, int maxPendingReads, Duration peerDiscoveryInterval,
                           int maxOutstandingPerPeer, long maxUploadBytesPerSecond, int uploadSlots,
                           InetSocketAddress announceAddress, PeerBudgets budgets, SeedingMode seeding) {
    public EngineConfig {
        dhtBootstrap = List.copyOf(dhtBootstrap);
        java.util.Objects.requireNonNull(budgets, "budgets");
        java.util.Objects.requireNonNull(seeding, "seeding");
    }

    /** With plain seeding. */
    public EngineConfig(InetAddress bindAddress, int port, boolean dhtEnabled, int dhtPort,
                        List<InetSocketAddress> dhtBootstrap, boolean dhtPublicRouters, int maxPeers,
                        int maxPeersPerTorrent, int maxPendingReads, Duration peerDiscoveryInterval,
                        int maxOutstandingPerPeer, long maxUploadBytesPerSecond, int uploadSlots,
                        InetSocketAddress announceAddress, PeerBudgets budgets) {
        this(bindAddress, port, dhtEnabled, dhtPort, dhtBootstrap, dhtPublicRouters, maxPeers, maxPeersPerTorrent,
                maxPendingReads, peerDiscoveryInterval, maxOutstandingPerPeer, maxUploadBytesPerSecond, uploadSlots,
                announceAddress, budgets, SeedingMode.PLAIN);
    }

    /** With the default budgets. */
    public EngineConfig(InetAddress bindAddress, int port, boolean dhtEnabled, int dhtPort,
                        List<InetSocketAddress> dhtBootstrap, boolean dhtPublicRouters, int maxPeers,
                        int maxPeersPerTorrent, int maxPendingReads, Duration peerDiscoveryInterval,
                        int maxOutstandingPerPeer, long maxUploadBytesPerSecond, int uploadSlots,
                        InetSocketAddress announceAddress) {
        this(bindAddress, port, dhtEnabled, dhtPort, dhtBootstrap, dhtPublicRouters, maxPeers, maxPeersPerTorrent,
                maxPendingReads, peerDiscoveryInterval, maxOutstandingPerPeer, maxUploadBytesPerSecond, uploadSlots,
                announceAddress, PeerBudgets.defaults());
    }

    /** A copy with other budgets. */
    public EngineConfig withBudgets(PeerBudgets b) {
        return new EngineConfig(bindAddress, port, dhtEnabled, dhtPort, dhtBootstrap, dhtPublicRouters, maxPeers,
                maxPeersPerTorrent, maxPendingReads, peerDiscoveryInterval, maxOutstandingPerPeer,
                maxUploadBytesPerSecond, uploadSlots, announceAddress, b, seeding);
    }

    /** A copy with another seeding mode. */
    public EngineConfig withSeeding(SeedingMode mode) {
        return new EngineConfig(bindAddress, port, dhtEnabled, dhtPort, dhtBootstrap, dhtPublicRouters, maxPeers,
                maxPeersPerTorrent, maxPendingReads, peerDiscoveryInterval, maxOutstandingPerPeer,
                maxUploadBytesPerSecond, uploadSlots, announceAddress, budgets, mode);
    }

    /** Without an announce address: the listener's own port is announced. */
    public EngineConfig(InetAddress bindAddress, int port, boolean dhtEnabled, int dhtPort,
                        List<InetSocketAddress> dhtBootstrap, boolean dhtPublicRouters, int maxPeers,
                        int maxPeersPerTorrent, int maxPendingReads, Duration peerDiscoveryInterval,
                        int maxOutstandingPerPeer, long maxUploadBytesPerSecond, int uploadSlots) {
        this(bindAddress, port, dhtEnabled, dhtPort, dhtBootstrap, dhtPublicRouters, maxPeers, maxPeersPerTorrent,
                maxPendingReads, peerDiscoveryInterval, maxOutstandingPerPeer, maxUploadBytesPerSecond, uploadSlots,
                null);
    }
}
