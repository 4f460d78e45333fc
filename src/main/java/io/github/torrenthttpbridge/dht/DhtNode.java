package io.github.torrenthttpbridge.dht;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

import io.github.torrenthttpbridge.torrent.InfoHash;
import lbms.plugins.mldht.DHTConfiguration;
import lbms.plugins.mldht.kad.DHT;
import lbms.plugins.mldht.kad.DHT.DHTtype;
import lbms.plugins.mldht.kad.DHTLogger;
import lbms.plugins.mldht.kad.Key;
import lbms.plugins.mldht.kad.Node;
import lbms.plugins.mldht.kad.RPCServer;
import lbms.plugins.mldht.kad.tasks.AnnounceTask;
import lbms.plugins.mldht.kad.tasks.PeerLookupTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import the8472.utils.io.NetMask;

/**
 * A Mainline DHT node (BEP 5) on the8472's mldht, driven through mldht's own public API ({@link DHT#start},
 * {@link DHT#createPeerLookup}, {@link DHT#announce(PeerLookupTask, boolean, int)}) — no Bt runtime, no Guice, no
 * reflection. mldht comes from the bt-dht jar, which bundles it.
 *
 * <p>Threads: one small scheduler of ours (2 threads, handed to mldht with {@link DHT#setScheduler}, and also running
 * the bootstrap re-pings) plus mldht's own NIO selector thread per address family; none per torrent.
 *
 * <p>Two mldht habits this class works around: it silently drops a bootstrap node added before its UDP server is
 * active (at start-up it often is not yet), so the configured nodes are pinged again every
 * {@link DhtConfig#bootstrapRetry()} while the routing table is empty; and it binds only to globally routable
 * addresses, never loopback or private ones (tests run it in a network namespace with a public-looking address).
 */
public final class DhtNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DhtNode.class);
    /** Hard deadline for one announce (lookup + announce_peer); mldht's own RPC timeouts are far shorter. */
    static final long ANNOUNCE_DEADLINE_SECONDS = 90;

    static {
        DHT.setLogger(new DHTLogger() {
            @Override
            public void log(String message, DHT.LogLevel level) {
                if (level == DHT.LogLevel.Fatal || level == DHT.LogLevel.Error) {
                    LOG.warn("mldht: {}", message);
                } else {
                    LOG.debug("mldht: {}", message);
                }
            }

            @Override
            public void log(Throwable error, DHT.LogLevel level) {
                LOG.warn("mldht error", error);
            }
        });
    }

    private final DhtConfig config;
    private final int udpPort;
    private final ScheduledThreadPoolExecutor scheduler;
    private final List<DHT> dhts;
    private final Path storage;
    private final boolean deleteStorage;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder announcesSent = new LongAdder();
    private final LongAdder announcesFailed = new LongAdder();
    private final LongAdder peersSeen = new LongAdder();

    private DhtNode(DhtConfig config, ScheduledThreadPoolExecutor scheduler, List<DHT> dhts, Path storage,
                    boolean deleteStorage) {
        this.config = config;
        this.udpPort = config.port() != 0 ? config.port() : freeUdpPort(config.bindAddress());
        this.scheduler = scheduler;
        this.dhts = dhts;
        this.storage = storage;
        this.deleteStorage = deleteStorage;
    }

    /**
     * Starts the node: binds the UDP socket (a free port is chosen first when the configured one is 0) and starts
     * bootstrapping in the background. A machine without a globally routable address gets a
     * node that never runs a server ({@link #isRunning()} false, every announce fails); that is logged, not thrown.
     *
     * @throws IOException when the storage directory cannot be made or mldht cannot open its socket
     */
    public static DhtNode start(DhtConfig config) throws IOException {
        Path storage = config.storageDir().orElse(null);
        boolean temp = storage == null;
        if (temp) {
            storage = Files.createTempDirectory("torrent-bridge-dht");
        } else {
            Files.createDirectories(storage);
        }
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "bridge-dht");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        List<DHT> dhts = new ArrayList<>();
        dhts.add(new DHT(DHTtype.IPV4_DHT));
        if (config.ipv6()) {
            dhts.add(new DHT(DHTtype.IPV6_DHT));
        }
        if (dhts.size() > 1) {
            dhts.forEach(d -> d.addSiblings(dhts));
        }
        DhtNode node = new DhtNode(config, scheduler, List.copyOf(dhts), storage, temp);
        try {
            DHTConfiguration mldht = node.mldhtConfig();
            for (DHT d : dhts) {
                d.setScheduler(scheduler);
                d.start(mldht);
                if (!config.publicRouters()) {
                    // a private network (tests, a LAN swarm): as Bt does, trust every address, so nodes sharing one IP
                    // (several on one host) are all kept in the routing table
                    d.getNode().setTrustedNetMasks(List.of(NetMask.fromString(
                            d.getType() == DHTtype.IPV4_DHT ? "0.0.0.0/0" : "::/0")));
                }
            }
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        long retry = config.bootstrapRetry().toMillis();
        if (!config.bootstrapNodes().isEmpty()) {
            scheduler.scheduleWithFixedDelay(node::pingBootstrapNodesIfEmpty, 0, retry, TimeUnit.MILLISECONDS);
        }
        LOG.info("DHT node on UDP port {} ({}), node id {}", node.port(),
                node.isRunning() ? "running" : "no eligible address: not running", node.nodeIdHex().orElse("-"));
        return node;
    }

    /**
     * mldht binds port 0 fine but never learns which port it got (its {@code RPCServer#getPort} keeps saying 0), so a
     * free port is picked here first; another process could take it in between, then mldht logs the bind failure.
     */
    private static int freeUdpPort(InetAddress bind) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(bind, 0))) {
            return s.getLocalPort();
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot find a free UDP port on " + bind.getHostAddress(), e);
        }
    }

    private DHTConfiguration mldhtConfig() {
        InetAddress bind = config.bindAddress();
        Path dir = storage;
        int port = udpPort;
        boolean routers = config.publicRouters();
        return new DHTConfiguration() {
            @Override
            public boolean isPersistingID() {
                return !deleteStorage;
            }

            @Override
            public Path getStoragePath() {
                return dir;
            }

            @Override
            public int getListeningPort() {
                return port;
            }

            @Override
            public boolean noRouterBootstrap() {
                return !routers;
            }

            @Override
            public boolean allowMultiHoming() {
                return false;
            }

            @Override
            public Predicate<InetAddress> filterBindAddress() {
                return a -> bind.isAnyLocalAddress() ? a.isAnyLocalAddress() : bind.equals(a);
            }
        };
    }

    /**
     * mldht pings a bootstrap node only if its UDP server is active when the node is added, and drops it silently
     * otherwise: ping the configured nodes again while the routing table is empty (a cheap no-op afterwards).
     */
    private void pingBootstrapNodesIfEmpty() {
        try {
            for (DHT d : dhts) {
                Node n = d.getNode();
                if (!d.isRunning() || n == null || n.getNumEntriesInRoutingTable() > 0) {
                    continue;
                }
                for (InetSocketAddress a : config.bootstrapNodes()) {
                    d.addDHTNode(a.getHostString(), a.getPort()); // resolves the name; skips the other family
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("cannot ping DHT bootstrap nodes: {}", e.toString());
        }
    }

    private Stream<RPCServer> servers() {
        return dhts.stream().filter(DHT::isRunning).map(DHT::getServerManager).filter(m -> m != null)
                .flatMap(m -> m.getAllServers().stream());
    }

    /**
     * Looks up {@code infoHash} (get_peers, asking not to be sent seeds: BEP 33 {@code noseed}) and then announces
     * {@code tcpPort} for it (announce_peer, as a seed) to the closest nodes that answered, on every running address
     * family. Never blocks: the work runs on mldht's threads. {@code peersFound} is called, on those threads, for
     * every peer address a node returns (duplicates possible); it must not block.
     *
     * @return completes with the number of nodes that acknowledged announce_peer (0 when none did), or exceptionally
     * when the node is not running or the announce missed its deadline ({@value #ANNOUNCE_DEADLINE_SECONDS} s)
     */
    public CompletableFuture<Integer> announce(InfoHash infoHash, int tcpPort, Consumer<InetSocketAddress> peersFound) {
        if (tcpPort < 1 || tcpPort > 65535) {
            throw new IllegalArgumentException("bad TCP port " + tcpPort);
        }
        CompletableFuture<Integer> result = new CompletableFuture<>();
        List<DHT> live = dhts.stream().filter(d -> d.isRunning() && routingTableSize(d) > 0).toList();
        if (closed.get() || live.isEmpty()) {
            announcesFailed.increment();
            result.completeExceptionally(new IllegalStateException(closed.get() ? "DHT node closed"
                    : "DHT node not running or its routing table is empty"));
            return result;
        }
        AtomicInteger pending = new AtomicInteger(live.size());
        AtomicInteger acknowledged = new AtomicInteger();
        Consumer<Integer> familyDone = acks -> {
            acknowledged.addAndGet(acks);
            if (pending.decrementAndGet() == 0) {
                result.complete(acknowledged.get());
            }
        };
        byte[] hash = infoHash.bytes();
        for (DHT d : live) {
            try {
                announceOn(d, hash, tcpPort, peersFound, familyDone);
            } catch (RuntimeException e) {
                LOG.debug("DHT announce of {} failed to start: {}", infoHash, e.toString());
                familyDone.accept(0);
            }
        }
        return result.orTimeout(ANNOUNCE_DEADLINE_SECONDS, TimeUnit.SECONDS).whenComplete((n, e) -> {
            if (e == null && n > 0) {
                announcesSent.increment();
            } else {
                announcesFailed.increment();
                if (e instanceof TimeoutException) {
                    LOG.debug("DHT announce of {} missed its deadline", infoHash);
                }
            }
        });
    }

    private void announceOn(DHT d, byte[] hash, int tcpPort, Consumer<InetSocketAddress> peersFound,
                            Consumer<Integer> done) {
        PeerLookupTask lookup = d.createPeerLookup(hash);
        if (lookup == null) {
            done.accept(0);
            return;
        }
        AtomicBoolean once = new AtomicBoolean();
        lookup.setNoSeeds(true);
        lookup.setResultHandler((node, item) -> {
            peersSeen.increment();
            try {
                peersFound.accept(item.toSocketAddress());
            } catch (RuntimeException e) {
                LOG.warn("peer sink failed", e);
            }
        });
        lookup.addListener(t -> {
            if (!once.compareAndSet(false, true)) {
                return;
            }
            AnnounceTask announce = d.isRunning() ? d.announce(lookup, true, tcpPort) : null;
            if (announce == null) {
                done.accept(0);
                return;
            }
            AtomicBoolean announced = new AtomicBoolean();
            announce.addListener(a -> {
                if (announced.compareAndSet(false, true)) {
                    done.accept(a.getRecvResponses());
                }
            });
        });
        d.getTaskManager().addTask(lookup);
    }

    private static int routingTableSize(DHT d) {
        Node n = d.isRunning() ? d.getNode() : null;
        return n == null ? 0 : n.getNumEntriesInRoutingTable();
    }

    /** The node id (the IPv4 node's, if both run) in hex, once running. */
    public Optional<String> nodeIdHex() {
        return dhts.stream().filter(DHT::isRunning).map(DHT::getOurID).filter(k -> k != null).findFirst()
                .map(Key::getHash).map(HexFormat.of()::formatHex);
    }

    /** Whether mldht runs with at least one UDP server (false on a machine without an eligible address). */
    public boolean isRunning() {
        return !closed.get() && servers().findAny().isPresent();
    }

    /** The UDP port (the free one chosen at start when configured as 0). */
    public int port() {
        return udpPort;
    }

    /** Nodes in the routing table(s), all address families together. */
    public int routingTableSize() {
        return dhts.stream().mapToInt(DhtNode::routingTableSize).sum();
    }

    /** Announces acknowledged by at least one node, since start. */
    public long announcesSent() {
        return announcesSent.sum();
    }

    /** Announces that reached no node (not running, empty routing table, no answer, deadline), since start. */
    public long announcesFailed() {
        return announcesFailed.sum();
    }

    /** Peer addresses returned by get_peers, since start (duplicates counted). */
    public long peersFound() {
        return peersSeen.sum();
    }

    /** Stops mldht (it saves its routing table to the storage directory first) and the scheduler. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (DHT d : dhts) {
            try {
                d.stop();
            } catch (RuntimeException e) {
                LOG.debug("stopping mldht: {}", e.toString());
            }
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (deleteStorage) {
            try (Stream<Path> files = Files.walk(storage)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                LOG.debug("cannot delete the DHT's temporary directory {}: {}", storage, e.toString());
            }
        }
    }
}
