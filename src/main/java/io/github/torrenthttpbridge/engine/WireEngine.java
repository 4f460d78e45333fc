package io.github.torrenthttpbridge.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.github.torrenthttpbridge.dht.DhtConfig;
import io.github.torrenthttpbridge.dht.DhtNode;
import io.github.torrenthttpbridge.storage.PieceSource;
import io.github.torrenthttpbridge.swarm.Announcer;
import io.github.torrenthttpbridge.swarm.AnnouncerConfig;
import io.github.torrenthttpbridge.tracker.TrackerClient;
import io.github.torrenthttpbridge.tracker.TrackerClientConfig;
import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our seed-only peer-wire engine on jetty-io: one non-blocking listener, a small fixed thread pool and one timer for
 * every torrent. A torrent is only data ({@link SeedTorrent}), so registering one is a map insertion; each peer has its
 * own bounded send queue, so a peer that does not read cannot hold up anyone else.
 */
public final class WireEngine implements PeerEngine {
    private static final Logger LOG = LoggerFactory.getLogger(WireEngine.class);
    static final long HANDSHAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);
    /** A connected peer not interested for this long may be evicted when a torrent's (or the engine's) slots are full. */
    static final long EVICT_NOT_INTERESTED_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** An interested peer that has asked for nothing this long may be evicted likewise. */
    static final long EVICT_IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How often the counts of dropped and refused peers are logged (one line, by reason), when they changed. */
    static final long DROP_LOG_SECONDS = 60;
    /**
     * How long a peer we are told of (a leecher announcing to the built-in tracker, a tracker's answer) has to connect
     * to us before we dial it. It usually dials us at once, having got our address in the same tracker answer; two
     * simultaneous connections with one peer id make libtorrent close both ("duplicate peer-id") and then wait its
     * {@code min_reconnect_time}, 60 s, before trying us again.
     */
    static final long DIAL_GRACE_SECONDS = 5;
    /** Dials waiting out their grace at once; more are dropped (the peer may still dial us). */
    static final int MAX_PENDING_DIALS = 4096;
    static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(90);
    static final long IDLE_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(4);
    /** A peer a write has been blocked on this long is choked (its slot freed), then dropped. */
    static final long STALL_CHOKE_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final long STALL_DROP_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final EngineConfig config;
    private final byte[] peerId = newPeerId();
    private final QueuedThreadPool pool;
    private final Scheduler scheduler;
    private final Selectors selectors;
    private final Choker choker;
    private final UploadRate rate;
    private final Semaphore pendingReads;
    private final SeedRegistry torrents = new SeedRegistry();
    private final Set<PeerConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<String> dialing = ConcurrentHashMap.newKeySet();
    private final Set<String> pendingDials = ConcurrentHashMap.newKeySet();
    private final AtomicInteger established = new AtomicInteger();
    private final Map<String, LongAdder> droppedBy = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> refusedBy = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private final PeerBudgets budgets;
    private final Admission admission;
    private final OriginLedger originLedger = new OriginLedger();
    private final java.util.concurrent.atomic.AtomicLong queuedForAll = new java.util.concurrent.atomic.AtomicLong();
    private Map<String, Long> droppedLogged = Map.of();
    private Map<String, Long> refusedLogged = Map.of();
    private final AtomicInteger openClaims = new AtomicInteger();
    private ServerSocketChannel server;
    private DhtNode dht;
    private TrackerClient trackers;
    private Announcer announcer;
    private volatile int port;
    private volatile boolean closed;

    public WireEngine(EngineConfig config) {
        this.config = config;
        int cores = Runtime.getRuntime().availableProcessors();
        this.pool = new QueuedThreadPool(Math.max(4, 2 * cores), 2);
        pool.setName("bridge-peers");
        pool.setDaemon(true);
        pool.setReservedThreads(0);
        this.scheduler = new ScheduledExecutorScheduler("bridge-engine-timer", true);
        this.selectors = new Selectors(Math.max(1, cores / 2));
        this.choker = new Choker(this, config.uploadSlots(), TimeUnit.SECONDS.toNanos(30));
        this.rate = config.maxUploadBytesPerSecond() > 0 ? new UploadRate(config.maxUploadBytesPerSecond()) : null;
        this.pendingReads = new Semaphore(config.maxPendingReads());
        // bytes queued for all peers: as configured, at most an eighth of the heap (the engine lives in the site's JVM)
        long heapShare = Runtime.getRuntime().maxMemory() / 8;
        this.budgets = config.budgets().totalSendBytes() <= heapShare ? config.budgets()
                : config.budgets().toBuilder().totalSendBytes(Math.max(1024 * 1024, heapShare)).build();
        this.admission = new Admission(budgets);
    }

    @Override
    public void start() {
        try {
            pool.start();
            scheduler.start();
            selectors.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the peer engine: " + e, e);
        }
        InetSocketAddress bind = new InetSocketAddress(config.bindAddress(), config.port());
        try {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(bind, 256);
            server.configureBlocking(false);
        } catch (IOException e) {
            stopQuietly();
            throw new EngineStartException(false, "cannot listen for peers on TCP " + bind.getAddress().getHostAddress() + ":"
                    + config.port() + " (" + e.getMessage() + "): the port is taken or not allowed", e);
        }
        port = server.socket().getLocalPort();
        selectors.acceptor(server);
        startSwarm();
        every(1, this::sweep);
        every(10, choker::rotate);
        every(DROP_LOG_SECONDS, this::logDrops);
        LOG.info("peer engine listening on {}:{}", config.bindAddress().getHostAddress(), port);
    }

    /** The DHT node (our own port, no Bt runtime) and the announcer that makes every torrent findable. */
    private void startSwarm() {
        if (config.dhtEnabled()) {
            try {
                if (config.dhtPort() != 0) {
                    // mldht binds on its own thread and only logs a failure there: check the port here first
                    try (java.nio.channels.DatagramChannel probe = java.nio.channels.DatagramChannel.open()) {
                        probe.bind(new InetSocketAddress(config.bindAddress(), config.dhtPort()));
                    }
                }
                dht = DhtNode.start(DhtConfig.builder().bindAddress(config.bindAddress()).port(config.dhtPort())
                        .bootstrapNodes(config.dhtBootstrap()).publicRouters(config.dhtPublicRouters())
                        .ipv6(config.bindAddress() instanceof java.net.Inet6Address).build());
            } catch (IOException | RuntimeException e) {
                stopQuietly();
                throw new EngineStartException(true, "cannot start the DHT node on UDP " + config.bindAddress().getHostAddress()
                        + ":" + config.dhtPort() + " (" + e.getMessage() + ")", e);
            }
        }
        // announces leave from the listener's address (trackers that ignore 'ip' list the address they came from)
        trackers = new TrackerClient(TrackerClientConfig.builder().bindAddress(config.bindAddress()).build());
        long spread = Math.max(1, Math.min(5, config.peerDiscoveryInterval().toSeconds()));
        InetSocketAddress announced = config.announceAddress();
        announcer = new Announcer(AnnouncerConfig.builder().firstAnnounceSpread(java.time.Duration.ofSeconds(spread))
                .build(), dht, trackers, announcedPort(), peerId);
        if (announced != null) {
            announcer.announceIp(announced.getHostString());
        }
        announcer.onPeers(this::offer);
        announcer.uploadedBytes(h -> {
            SeedTorrent t = torrents.get(h);
            return t == null ? 0 : t.uploaded();
        });
    }

    private void every(long seconds, Runnable task) {
        scheduler.schedule(() -> {
            if (closed) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("engine timer task failed", e);
            }
            every(seconds, task);
        }, seconds, TimeUnit.SECONDS);
    }

    /** Once a second: handshake deadlines, keep-alives, peer exchange, and peers whose writes stay blocked. */
    private void sweep() {
        long now = System.nanoTime();
        for (PeerConnection c : connections) {
            if (!c.isActive()) {
                if (now - c.openedNanos() > HANDSHAKE_TIMEOUT_NANOS) {
                    c.close("no handshake within " + TimeUnit.NANOSECONDS.toSeconds(HANDSHAKE_TIMEOUT_NANOS) + " s");
                }
                continue;
            }
            long blocked;
            synchronized (c) {
                blocked = c.out.writeBlockedNanos(now);
                if (blocked > STALL_CHOKE_NANOS && blocked <= STALL_DROP_NANOS && c.session() != null) {
                    choker.stalled(c);
                } else if (blocked == 0 && now - c.out.lastSendNanos() > KEEP_ALIVE_NANOS && !c.isClosedState()) {
                    c.out.send(Wire.keepAlive());
                }
                if (blocked == 0 && c.session() != null && !c.isClosedState()) {
                    c.session().exchangePeers(now);
                    c.session().expireRequests(now);
                    c.session().tick(now);
                }
            }
            if (blocked > STALL_DROP_NANOS) {
                c.drop("not_reading", "a write to it has been blocked for more than "
                        + TimeUnit.NANOSECONDS.toSeconds(STALL_DROP_NANOS) + " s (it does not read)");
            }
        }
    }

    /** One line per period with the peers dropped and connections refused since the last, by reason. */
    private void logDrops() {
        Map<String, Long> dropped = peersDroppedByReason();
        Map<String, Long> refusedNow = handshakesRefusedByReason();
        String d = delta(droppedLogged, dropped);
        String r = delta(refusedLogged, refusedNow);
        droppedLogged = dropped;
        refusedLogged = refusedNow;
        if (!d.isEmpty() || !r.isEmpty()) {
            LOG.info("in the last {} s: peers dropped {}; connections refused {}", DROP_LOG_SECONDS,
                    d.isEmpty() ? "none" : d, r.isEmpty() ? "none" : r);
        }
    }

    private static String delta(Map<String, Long> before, Map<String, Long> now) {
        StringBuilder b = new StringBuilder();
        now.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n > 0) {
                b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(n);
            }
        });
        return b.toString();
    }

    /**
     * Registers the torrent under every hash peers may name it by ({@link TorrentMetadata#swarmHashes()}: a hybrid's
     * v1 and truncated v2 info hashes), for plain and MSE handshakes alike, and announces each.
     */
    @Override
    public Seeded seed(TorrentMetadata torrent, PieceSource pieces, List<List<String>> announceTiers) {
        SeedTorrent t = new SeedTorrent(torrent, pieces);
        torrents.add(t);
        if (announcer != null && !torrent.isPrivate()) {
            for (InfoHash h : t.swarmHashes) {
                announcer.add(h, announceTiers);
            }
        }
        LOG.debug("seeding {} ({})", torrent.name(), t.swarmHashes);
        return t;
    }

    /** Stops seeding the torrent known by {@code infoHash} (any of its swarm hashes). */
    @Override
    public void remove(InfoHash infoHash) {
        SeedTorrent t = torrents.remove(infoHash);
        if (t == null) {
            return;
        }
        t.removed = true;
        if (announcer != null) {
            for (InfoHash h : t.swarmHashes) {
                announcer.remove(h);
            }
        }
        for (PeerConnection c : t.peers) {
            c.close("torrent removed");
        }
        LOG.debug("stopped seeding {} ({})", t.meta.name(), t.swarmHashes);
    }

    /**
     * Dials in plaintext first (every client accepts it unless it insists on encryption); when the peer closes before
     * answering, dials once more with an MSE handshake (plaintext or RC4, as the peer chooses).
     */
    @Override
    public void connectTo(InfoHash infoHash, InetSocketAddress peer) {
        dial(infoHash, peer, false);
    }

    @Override
    public void offer(InfoHash infoHash, InetSocketAddress peer) {
        String key = infoHash.hex() + "@" + peer;
        if (closed || pendingDials.size() >= MAX_PENDING_DIALS || !pendingDials.add(key)) {
            return;
        }
        try {
            scheduler.schedule(() -> {
                pendingDials.remove(key);
                dial(infoHash, peer, false);
            }, DIAL_GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pendingDials.remove(key);   // shutting down
        }
    }

    /** The plaintext attempt was closed before any answer: try again with encryption. */
    void redialEncrypted(Dial d) {
        if (!d.torrent().removed && !closed) {
            dial(InfoHash.of(d.infoHash()), d.address(), true);
        }
    }

    private void dial(InfoHash infoHash, InetSocketAddress peer, boolean encrypted) {
        SeedTorrent t = torrents.get(infoHash);
        if (t == null || closed || peer.getAddress() == null || established.get() >= config.maxPeers()
                || t.peers.size() >= config.maxPeersPerTorrent()) {
            return;
        }
        String key = infoHash.hex() + "@" + peer;
        for (PeerConnection c : t.peers) {
            PeerSession s = c.session();
            if (c.remoteName().equals(peer.getAddress().getHostAddress() + ":" + peer.getPort())
                    || (s != null && peer.equals(s.listenAddress()))) {
                return;   // connected already: we dialed it, or it dialed us and told us its listen port
            }
        }
        if (!dialing.add(key)) {
            return;
        }
        if (!admission.openOutgoing(peer.getAddress())) {
            dialing.remove(key);
            return;   // that address has all the connections one address may have
        }
        try {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (!config.bindAddress().isAnyLocalAddress()) {
                ch.bind(new InetSocketAddress(config.bindAddress(), 0));   // dial from the address we listen on
            }
            ch.connect(peer);
            selectors.connect(ch, new Dial(t, infoHash.bytes(), key, peer, encrypted));
        } catch (IOException | RuntimeException e) {
            dialing.remove(key);
            admission.closed(peer.getAddress(), false);
            LOG.debug("cannot dial {}: {}", peer, e.toString());
        }
    }

    /** An outgoing connection being opened, for {@code infoHash} (one of the torrent's swarm hashes). */
    record Dial(SeedTorrent torrent, byte[] infoHash, String key, InetSocketAddress address, boolean encrypted) {
    }

    // --- called by connections ---

    Executor executor() {
        return pool;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    Choker choker() {
        return choker;
    }

    Semaphore pendingReads() {
        return pendingReads;
    }

    byte[] peerId() {
        return peerId;
    }

    long sendHighWatermark() {
        return config.budgets().sendBufferBytes();
    }

    SeedingMode seeding() {
        return config.seeding();
    }

    PeerBudgets budgets() {
        return budgets;
    }

    java.util.concurrent.atomic.AtomicLong queuedForAll() {
        return queuedForAll;
    }

    OriginLedger originLedger() {
        return originLedger;
    }

    /** Whether {@code ip} may make us run an MSE key exchange now; null if so, else the reason (counted by the caller). */
    String admitKeyExchange(java.net.InetAddress ip) {
        return admission.keyExchange(ip);
    }

    int maxOutstandingPerPeer() {
        return config.maxOutstandingPerPeer();
    }

    long originRetryDelayNanos() {
        return TimeUnit.SECONDS.toNanos(10);
    }

    /** The DHT node's UDP port (told to peers that support the DHT), 0 when it does not run. */
    int dhtPort() {
        DhtNode d = dht;
        return d == null ? 0 : d.port();
    }

    int cryptoProvide() {
        return 3;
    }

    boolean acceptPlaintextHandshake() {
        return true;
    }

    boolean allowPlaintext() {
        return true;
    }

    boolean allowRc4() {
        return true;
    }

    SeedTorrent torrent(byte[] infoHash) {
        return torrents.get(infoHash);
    }

    byte[] infoHashForReq2(byte[] req2) {
        return torrents.infoHashForReq2(req2);
    }

    long reserveUpload(int bytes) {
        return rate == null ? 0 : rate.reserve(bytes);
    }

    /**
     * Admits a peer that completed its handshake, or says why not (connection limits). When the torrent's slots (or
     * the engine's) are full, the least useful peer makes room: the one not interested longest, else the one idle
     * longest, past a grace time, as libtorrent does; without one the newcomer is refused.
     */
    String admit(PeerConnection c, SeedTorrent t) {
        if (t.removed) {
            return "torrent no longer seeded";
        }
        if (established.incrementAndGet() > config.maxPeers() && !evictLeastUseful(connections)) {
            established.decrementAndGet();
            return "at the limit of " + config.maxPeers() + " peers";
        }
        if (t.peers.size() >= config.maxPeersPerTorrent() && !evictLeastUseful(t.peers)) {
            established.decrementAndGet();
            return "at the limit of " + config.maxPeersPerTorrent() + " peers for this torrent";
        }
        t.peers.add(c);
        return null;
    }

    /** Closes (on another thread: its lock is not ours to take) the least useful of {@code among}; false if none is. */
    private boolean evictLeastUseful(Iterable<PeerConnection> among) {
        PeerConnection victim = leastUseful(among, System.nanoTime());
        if (victim == null || !victim.evicting.compareAndSet(false, true)) {
            return false;
        }
        pool.execute(() -> victim.drop("evicted", "making room for a new peer: it was "
                + (victim.session().interested() ? "idle" : "not interested") + " the longest"));
        return true;
    }

    /** The peer that does least with its slot: not interested longest, else idle longest (past the grace times). */
    static PeerConnection leastUseful(Iterable<PeerConnection> among, long now) {
        PeerConnection best = null;
        long bestScore = Long.MIN_VALUE;
        for (PeerConnection p : among) {
            PeerSession s = p.session();
            if (s == null || !p.isActive() || p.evicting.get()) {
                continue;
            }
            long score;
            if (!s.interested()) {
                long idle = now - Math.max(s.notInterestedSinceNanos(), p.openedNanos());
                if (idle < EVICT_NOT_INTERESTED_NANOS) {
                    continue;
                }
                score = Long.MAX_VALUE / 2 + idle;   // any not-interested peer goes before any interested one
            } else {
                long idle = now - s.lastRequestNanos();
                if (idle < EVICT_IDLE_NANOS) {
                    continue;
                }
                score = idle;
            }
            if (score > bestScore) {
                bestScore = score;
                best = p;
            }
        }
        return best;
    }

    /**
     * When every handshake place is taken, the incoming connection handshaking longest gives its place up (an honest
     * handshake takes milliseconds; a flood's connections wait for nothing): false when there is none to close.
     */
    private boolean closeOldestHandshaking() {
        PeerConnection oldest = null;
        for (PeerConnection c : connections) {
            if (!c.isOutgoing() && !c.isActive() && !c.isClosedState()
                    && (oldest == null || c.openedNanos() < oldest.openedNanos())) {
                oldest = c;
            }
        }
        if (oldest == null) {
            return false;
        }
        refused(oldest, "handshake_evicted", "still handshaking when every handshake place was taken");
        oldest.close("making room for a new connection: every handshake place was taken");
        return true;
    }

    /** An incoming connection finished its handshakes: it no longer counts as handshaking. */
    void handshakeDone(PeerConnection c) {
        if (c.takeHandshaking()) {
            admission.handshakeDone(c.remoteAddress());
        }
    }

    void refused(PeerConnection c, String why) {
        refused(c, "handshake", why);
    }

    /** A connection refused before it became a peer, counted by {@code kind}. */
    void refused(PeerConnection c, String kind, String why) {
        refused.increment();
        refusedBy.computeIfAbsent(kind, k -> new LongAdder()).increment();
        LOG.debug("refused connection from {}: {}", c == null ? "?" : c.remoteName(), why);
    }

    /** A peer dropped for {@code kind}: protocol_error, bad_request, flood, not_reading, origin_churn, evicted. */
    void dropped(PeerConnection c, String kind, String why) {
        droppedBy.computeIfAbsent(kind, k -> new LongAdder()).increment();
        LOG.debug("disconnecting peer {}: {}", c.remoteName(), why);   // counted; logged by reason once a minute
    }

    void closed(PeerConnection c, SeedTorrent t) {
        if (connections.remove(c) && c.remoteAddress() != null) {
            admission.closed(c.remoteAddress(), c.takeHandshaking());
        }
        if (t != null && t.peers.remove(c)) {
            established.decrementAndGet();
        }
        if (c.session() != null) {
            choker.closed(c);
        }
    }

    // --- figures ---

    @Override
    public long peersDropped() {
        return droppedBy.values().stream().mapToLong(LongAdder::sum).sum();
    }

    @Override
    public Map<String, Long> peersDroppedByReason() {
        return sums(droppedBy);
    }

    /** Counters by reason, as a sorted snapshot. */
    static Map<String, Long> sums(Map<String, LongAdder> counters) {
        Map<String, Long> out = new java.util.TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    @Override
    public int readPermitsHeld() {
        return config.maxPendingReads() - pendingReads.availablePermits();
    }

    @Override
    public int openPieceClaims() {
        return openClaims.get();
    }

    /** Counts piece claims made (+1) and released (-1) by sessions. */
    AtomicInteger openClaims() {
        return openClaims;
    }

    @Override
    public long handshakesRefused() {
        return refused.sum();
    }

    @Override
    public Map<String, Long> handshakesRefusedByReason() {
        return sums(refusedBy);
    }

    @Override
    public Map<String, Long> peersChokedByReason() {
        return choker.chokedByReason();
    }

    /** Bytes queued for all peers now. */
    public long queuedBytes() {
        return queuedForAll.get();
    }

    @Override
    public long peersChoked() {
        return choker.chokedForOrigin.sum();
    }

    @Override
    public io.github.torrenthttpbridge.swarm.AnnouncerStats announceStats() {
        return announcer.stats();
    }

    /** The port announced to the DHT and trackers: the announce address's, else the listener's. */
    int announcedPort() {
        InetSocketAddress a = config.announceAddress();
        return a != null && a.getPort() != 0 ? a.getPort() : port;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String peerIdHex() {
        return HexFormat.of().formatHex(peerId);
    }

    @Override
    public Optional<String> dhtNodeIdHex() {
        return dht == null ? Optional.empty() : dht.nodeIdHex();
    }

    @Override
    public boolean dhtEnabled() {
        return config.dhtEnabled();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (InfoHash h : torrents.hashes()) {
            remove(h);
        }
        for (PeerConnection c : connections) {
            c.close("shutting down");
        }
        stopQuietly();
    }

    private void stopQuietly() {
        for (AutoCloseable c : new AutoCloseable[] {announcer, trackers, dht}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                LOG.debug("closing {}", c, e);
            }
        }
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            LOG.debug("closing the listener", e);
        }
        for (var c : new org.eclipse.jetty.util.component.LifeCycle[] {selectors, scheduler, pool}) {
            try {
                c.stop();
            } catch (Exception e) {
                LOG.debug("stopping {}", c, e);
            }
        }
    }

    private static byte[] newPeerId() {
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        byte[] prefix = "-TB0100-".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, id, 0, prefix.length);
        return id;
    }

    /** jetty-io's selector manager: accepted and dialled sockets become {@link PeerConnection}s. */
    private final class Selectors extends SelectorManager {
        Selectors(int count) {
            super(pool, scheduler, count);
        }

        @Override
        protected void accepted(SelectableChannel channel) throws IOException {
            SocketChannel ch = (SocketChannel) channel;
            if (closed || connections.size() >= 2 * config.maxPeers()) {
                refused(null, "connection_limit", "at twice the peer limit in connections");
                ch.close();
                return;
            }
            java.net.InetAddress ip = ch.getRemoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
            String why = ip == null ? "handshake" : admission.openIncoming(ip);
            if (Admission.HANDSHAKES.equals(why) && closeOldestHandshaking()) {
                why = admission.openIncoming(ip);   // a flood of half-open handshakes cannot lock honest peers out
            }
            if (why != null) {
                refused(null, why, "from " + ip);
                ch.close();
                return;
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                accept(ch);
            } catch (IOException | RuntimeException e) {
                admission.closed(ip, true);
                throw e;
            }
        }

        @Override
        protected EndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key) {
            SocketChannelEndPoint ep = new SocketChannelEndPoint((SocketChannel) channel, selector, key, scheduler);
            ep.setIdleTimeout(IDLE_TIMEOUT_MS);
            return ep;
        }

        @Override
        public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment) {
            Dial dial = null;
            if (attachment instanceof Dial d) {
                dialing.remove(d.key());
                dial = d;
            }
            PeerConnection c = new PeerConnection(endPoint, WireEngine.this, dial);
            connections.add(c);
            return c;
        }

        @Override
        protected void connectionFailed(SelectableChannel channel, Throwable ex, Object attachment) {
            if (attachment instanceof Dial d) {
                dialing.remove(d.key());
                admission.closed(d.address().getAddress(), false);
                LOG.debug("could not connect to a peer of {}: {}", d.torrent().meta.name(), ex.toString());
            }
            super.connectionFailed(channel, ex, attachment);
        }
    }
}
