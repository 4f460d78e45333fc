package io.github.torrenthttpbridge.engine;

import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import bt.Bt;
import bt.data.ChunkVerifier;
import bt.dht.DHTConfig;
import bt.dht.DHTModule;
import bt.dht.DHTService;
import bt.event.EventSource;
import bt.module.BitTorrentProtocol;
import bt.module.PeerConnectionSelector;
import bt.net.DataReceiver;
import bt.net.IConnectionHandlerFactory;
import bt.net.IPeerConnectionFactory;
import bt.net.PeerConnectionFactory;
import bt.net.SharedSelector;
import bt.net.buffer.IBufferManager;
import bt.net.pipeline.IChannelPipelineFactory;
import bt.protocol.Message;
import bt.protocol.StandardBittorrentProtocol;
import bt.protocol.handler.MessageHandler;
import bt.torrent.TorrentRegistry;
import bt.metainfo.IMetadataService;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.net.InetPeerAddress;
import bt.protocol.crypto.EncryptionPolicy;
import bt.peer.IPeerRegistry;
import bt.runtime.BtClient;
import bt.runtime.BtRuntime;
import bt.runtime.Config;
import bt.service.IdentityService;
import bt.torrent.TorrentSessionState;
import bt.torrent.data.DataWorker;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.github.torrenthttpbridge.storage.PieceSource;
import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that knows Bt: builds the runtime (Guice overrides included), adds and removes torrents, and
 * reads identities and live figures back. Everything else in the project talks to this class's small API.
 */
public final class BtEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BtEngine.class);

    private final EngineConfig config;
    private final RemoteDataWorker worker;
    private final PeerGuard guard;
    private final BtRuntime runtime;
    private final Map<InfoHash, Running> running = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService timer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "bridge-engine-timer");
                t.setDaemon(true);
                return t;
            });

    /** A torrent being seeded. */
    public final class Running {
        private final TorrentMetadata torrent;
        private final BtClient client;
        private final RemoteDataWorker.Registration registration;
        private volatile TorrentSessionState state;

        private Running(TorrentMetadata torrent, BtClient client, RemoteDataWorker.Registration registration) {
            this.torrent = torrent;
            this.client = client;
            this.registration = registration;
        }

        public TorrentMetadata torrent() {
            return torrent;
        }

        /** Bytes of verified piece data written to peers. */
        public long uploaded() {
            return registration.uploaded.sum();
        }

        public long blocksServed() {
            return registration.blocksServed.sum();
        }

        /** Block requests refused (out of bounds, overloaded, or the piece could not be fetched and verified). */
        public long blocksRefused() {
            return registration.blocksRefused.sum();
        }

        /** Addresses of connected peers. */
        public Set<String> peers() {
            TorrentSessionState s = state;
            if (s == null) {
                return Set.of();
            }
            return s.getConnectedPeers().stream().map(Object::toString).collect(Collectors.toUnmodifiableSet());
        }
    }

    public BtEngine(EngineConfig config) {
        this.config = config;
        this.guard = new PeerGuard(config.maxOutstandingPerPeer());
        this.worker = new RemoteDataWorker(config.maxPendingReads(), guard, config.maxUploadBytesPerSecond());
        Config bt = new Config();
        bt.setAcceptorAddress(config.bindAddress());
        bt.setAcceptorPort(config.port());
        bt.setMaxPeerConnections(config.maxPeers());
        bt.setMaxPeerConnectionsPerTorrent(config.maxPeersPerTorrent());
        bt.setPeerDiscoveryInterval(config.peerDiscoveryInterval());
        bt.setMaxMessageProcessingInterval(java.time.Duration.ofMillis(1));
        bt.setNetworkBufferSize(4 * 1024 * 1024);
        bt.setMaxIOQueueSize(10_000);
        bt.setMaxTransferBlockSize(RemoteDataWorker.MAX_BLOCK);
        // MSE (protocol encryption): plaintext after the MSE handshake when the peer offers both (libtorrent's
        // default), RC4 when it requires it; plain BitTorrent handshakes are accepted too. RC4 costs a lot on Bt's
        // single dispatcher thread (bench: ~90 vs ~150 MiB/s). Bt 1.10 as the receiver could not do plaintext
        // reliably: it stopped reading at len(IA), and the part of the RC4-encrypted initial payload (libtorrent's
        // BitTorrent handshake) still in flight was then read as plaintext, garbled; MseSafeHandshakeProcessor
        // reads and decrypts the whole IA.
        bt.setEncryptionPolicy(EncryptionPolicy.PREFER_PLAINTEXT);
        // Bt's MSE reader (still used for outgoing connections) sleeps this long between reads; its default of 1 s
        // made each MSE handshake take 1-2 s
        bt.setMseWaitBetweenReads(java.time.Duration.ofMillis(5));

        var builder = BtRuntime.builder(bt)
                .disableAutomaticShutdown()
                .disableLocalServiceDiscovery()
                .module(new BridgeModule(worker, guard))
                .module(new bt.tracker.http.HttpTrackerModule());
        if (config.dhtEnabled()) {
            DHTConfig dht = new DHTConfig();
            dht.setListeningPort(config.dhtPort());
            dht.setShouldUseRouterBootstrap(config.dhtPublicRouters());
            dht.setShouldUseIPv6(config.bindAddress() instanceof java.net.Inet6Address);
            dht.setBootstrapNodes(config.dhtBootstrap().stream()
                    .map(a -> new InetPeerAddress(a.getHostString(), a.getPort()))
                    .collect(Collectors.toList()));
            builder.module(new DHTModule(dht));
        }
        this.runtime = builder.build();
    }

    /**
     * Guice overrides: lazy verification, the asynchronous remote data worker, the peer guard with its two hooks
     * into Bt's networking (a bounded protocol decoder, connections whose blocked writes can be seen), and fixes
     * for Bt 1.10's handling of the bytes that arrive with the end of an MSE handshake
     * ({@link MseSafePipelineFactory}, {@link MseSafeHandshakeProcessor}); without them Transmission's
     * connections are dropped.
     */
    private static final class BridgeModule extends AbstractModule {
        private final RemoteDataWorker worker;
        private final PeerGuard guard;

        BridgeModule(RemoteDataWorker worker, PeerGuard guard) {
            this.worker = worker;
            this.guard = guard;
        }

        @Override
        protected void configure() {
            bt.module.ServiceModule.contributeMessagingAgent(binder()).addBinding().toInstance(guard);
            bind(IChannelPipelineFactory.class).to(MseSafePipelineFactory.class).in(Singleton.class);
        }

        @Provides
        @Singleton
        ChunkVerifier verifier() {
            return new SeedOnlyVerifier();
        }

        @Provides
        @Singleton
        DataWorker dataWorker() {
            return worker;
        }

        @Provides
        @Singleton
        @BitTorrentProtocol
        MessageHandler<Message> protocol(StandardBittorrentProtocol standard) {
            return new GuardedProtocol(standard, guard);
        }

        /**
         * As {@code bt.module.ServiceModule#providePeerConnectionFactory}, with the MSE processor replaced
         * ({@link MseSafeHandshakeProcessor}) and every connection watched by the guard.
         */
        @Provides
        @Singleton
        IPeerConnectionFactory connectionFactory(@PeerConnectionSelector SharedSelector selector,
                                                 IConnectionHandlerFactory handlers,
                                                 @BitTorrentProtocol MessageHandler<Message> protocol,
                                                 TorrentRegistry torrents, IChannelPipelineFactory pipelines,
                                                 IBufferManager buffers, DataReceiver receiver, EventSource events,
                                                 Config config) {
            PeerConnectionFactory bt = MseSafeHandshakeProcessor.install(new PeerConnectionFactory(selector, handlers,
                    pipelines, protocol, torrents, buffers, receiver, events, config),
                    new MseSafeHandshakeProcessor(torrents, protocol, config));
            return new GuardedConnectionFactory(bt, guard);
        }
    }

    public void start() {
        runtime.startup();
        timer.scheduleWithFixedDelay(guard::sweep, 250, 250, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (config.dhtEnabled() && !config.dhtBootstrap().isEmpty()) {
            // mldht pings a bootstrap node only if its UDP server is already active when the node is added, which
            // at start-up it often is not yet: the node is then silently dropped and the routing table stays
            // empty. Pinging the configured nodes again (a no-op once the table is populated) fixes that.
            DHTService dht = runtime.service(DHTService.class);
            Runnable ping = () -> config.dhtBootstrap().forEach(a -> {
                try {
                    dht.addNode(InetPeer.build(new InetSocketAddress(a.getHostString(), a.getPort()).getAddress(), a.getPort()));
                } catch (RuntimeException e) {
                    LOG.debug("cannot ping DHT bootstrap node {}: {}", a, e.toString());
                }
            });
            timer.scheduleWithFixedDelay(ping, 1, 5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Peers disconnected for breaking the protocol or flooding, since start. */
    public long peersDropped() {
        return guard.dropped.sum();
    }

    /** Peers dropped since start by reason: protocol_error, bad_request, flood, not_reading. */
    public java.util.Map<String, Long> peersDroppedByReason() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        guard.droppedBy.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Incoming connections closed before a valid handshake for a seeded torrent (garbage, unknown torrent, failed encryption negotiation), since start. */
    public long handshakesRefused() {
        return guard.handshakesRefused.sum();
    }

    /** Times a peer was choked because its request could not be served, since start. */
    public long peersChoked() {
        return guard.choked.sum();
    }

    /** Read permits held now: block requests waiting for their piece (0 when none waits; none is ever left held). */
    public int readPermitsHeld() {
        return worker.permitsHeld();
    }

    /** Pieces asked of the torrents' piece sources and not yet released (0 when no block request is outstanding). */
    public int openPieceClaims() {
        return worker.openClaims();
    }

    public int port() {
        return config.port();
    }

    public String peerIdHex() {
        return HexFormat.of().formatHex(runtime.service(IdentityService.class).getLocalPeerId().getBytes());
    }

    /** The DHT node id in hex, once the DHT has started; empty when the DHT is off or not running yet. */
    public Optional<String> dhtNodeIdHex() {
        if (!config.dhtEnabled()) {
            return Optional.empty();
        }
        try {
            DHTService service = runtime.service(DHTService.class);
            Field f = service.getClass().getDeclaredField("dht");
            f.setAccessible(true);
            Object dht = f.get(service);
            Object running = dht.getClass().getMethod("isRunning").invoke(dht);
            if (!Boolean.TRUE.equals(running)) {
                return Optional.empty();
            }
            Object key = dht.getClass().getMethod("getOurID").invoke(dht);
            byte[] hash = (byte[]) key.getClass().getMethod("getHash").invoke(key);
            return Optional.of(HexFormat.of().formatHex(hash));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("cannot read the DHT node id", e);
            return Optional.empty();
        }
    }

    public boolean dhtEnabled() {
        return config.dhtEnabled();
    }

    /**
     * Adds a torrent and starts seeding it, every piece advertised, each read through {@code pieces}, announcing
     * only to {@code announceTiers} (the torrent's own trackers less those not worth announcing to, such as the
     * site's built-in tracker, which lists the bridge anyway). Bt is given just the info dictionary and these
     * trackers: the info hash is unchanged.
     */
    public Running seed(TorrentMetadata torrent, PieceSource pieces, List<List<String>> announceTiers) {
        if (running.containsKey(torrent.infoHash())) {
            throw new IllegalStateException("already seeding " + torrent.infoHash());
        }
        Torrent btTorrent;
        try {
            btTorrent = runtime.service(IMetadataService.class).fromByteArray(forBt(torrent, announceTiers));
        } catch (RuntimeException e) {
            throw new io.github.torrenthttpbridge.torrent.InvalidTorrentException(
                    "the BitTorrent engine cannot use this torrent: " + e.getMessage(), e);
        }
        TorrentId id = btTorrent.getTorrentId();
        if (!java.util.Arrays.equals(id.getBytes(), torrent.infoHash().bytes())) {
            throw new IllegalStateException("Bt computed info hash " + HexFormat.of().formatHex(id.getBytes())
                    + " for " + torrent.infoHash());
        }
        RemoteDataWorker.Registration registration = worker.register(id, torrent, pieces);
        BtClient client = Bt.client(runtime)
                .storage(new RemoteStorage(torrent, pieces))
                .torrent(() -> btTorrent)
                .build();
        Running r = new Running(torrent, client, registration);
        running.put(torrent.infoHash(), r);
        client.startAsync(state -> r.state = state, 1000);
        LOG.info("seeding {} ({})", torrent.name(), torrent.infoHash());
        return r;
    }

    /** {@code d [announce, announce-list] info e}: keys in bencode order, the info bytes exactly as they were. */
    private static byte[] forBt(TorrentMetadata torrent, List<List<String>> tiers) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write('d');
        List<List<String>> kept = tiers.stream().filter(t -> !t.isEmpty()).toList();
        if (!kept.isEmpty()) {
            out.writeBytes(io.github.torrenthttpbridge.torrent.Bencode.encode("announce"));
            out.writeBytes(io.github.torrenthttpbridge.torrent.Bencode.encode(kept.get(0).get(0)));
            out.writeBytes(io.github.torrenthttpbridge.torrent.Bencode.encode("announce-list"));
            out.writeBytes(io.github.torrenthttpbridge.torrent.Bencode.encode(kept));
        }
        out.writeBytes(io.github.torrenthttpbridge.torrent.Bencode.encode("info"));
        out.writeBytes(torrent.infoBytes());
        out.write('e');
        return out.toByteArray();
    }

    /** Stops seeding a torrent; a no-op if it is not seeded. */
    public void remove(InfoHash infoHash) {
        Running r = running.remove(infoHash);
        if (r != null) {
            r.client.stop();
            worker.unregister(TorrentId.fromBytes(infoHash.bytes()));
            LOG.info("stopped seeding {} ({})", r.torrent.name(), infoHash);
        }
    }

    /**
     * Asks Bt to open a connection to {@code peer} for a torrent being seeded (no-op otherwise). Bt skips peers it is
     * already connected to, itself, and peers it found unreachable recently.
     */
    public void connectTo(InfoHash infoHash, InetSocketAddress peer) {
        if (!running.containsKey(infoHash) || peer.getAddress() == null) {
            return;
        }
        runtime.service(IPeerRegistry.class).addPeer(TorrentId.fromBytes(infoHash.bytes()),
                InetPeer.build(peer.getAddress(), peer.getPort()));
    }

    public InetSocketAddress peerAddress() {
        return new InetSocketAddress(config.bindAddress(), config.port());
    }

    @Override
    public void close() {
        for (InfoHash h : Set.copyOf(running.keySet())) {
            remove(h);
        }
        timer.shutdownNow();
        runtime.shutdown();
    }
}
