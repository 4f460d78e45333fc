package io.github.torrenthttpbridge.engine;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.storage.PieceVerificationException;
import io.github.torrenthttpbridge.storage.StaleTorrentException;

/**
 * The seed side of one peer's protocol (BEP 3, 6, 10, 9, and BEP 52's hash requests): choking, the peer's block requests and their answers.
 * Every request claims its piece from the {@link io.github.torrenthttpbridge.storage.PieceSource} at once (so origin
 * fetches run in parallel) and releases it exactly once: when its block is written, or when it is cancelled,
 * rejected, choked away or the connection ends. Ready blocks go out only while the peer's send queue is under its
 * watermark. Runs under the connection's lock.
 */
final class PeerSession {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PeerSession.class);
    /** Hash requests a peer may have waiting for the send queue to drain. */
    static final int MAX_PENDING_HASH_REQUESTS = 64;
    /** One block request, from arrival until released. */
    private static final class Request {
        final int index;
        final int begin;
        final int length;
        CompletableFuture<java.nio.ByteBuffer> piece;
        /** Its piece is claimed (from {@link PeerSession#admitWaiting()} until {@link PeerSession#release}). */
        boolean claimed;
        /** Claimed and its piece not arrived yet: one of the peer's origin loads in flight. */
        boolean loading;
        boolean released;
        boolean holdsPermit;
        /** Its bytes are already counted against the upload cap (the send was only delayed). */
        boolean rateReserved;

        final long arrivedNanos = System.nanoTime();

        Request(int index, int begin, int length) {
            this.index = index;
            this.begin = begin;
            this.length = length;
        }

        long key() {
            return ((long) index << 32) | (begin & 0xFFFFFFFFL);
        }
    }

    private final PeerConnection conn;
    private final WireEngine engine;
    private final SeedTorrent torrent;
    private final boolean fast;
    private final boolean extended;
    private final Map<Long, Request> requested = new HashMap<>();
    /** Requests not claimed yet, in arrival order: they wait as requests, not as loaded bytes. */
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private final ArrayDeque<Request> ready = new ArrayDeque<>();
    /** Claimed requests per span of pieces, and the bytes of those spans: the memory this peer pins. */
    private final Map<Integer, Integer> claimedSpans = new HashMap<>();
    private long pinnedBytes;
    private int loadsInFlight;
    private final int spanPieces;
    private final OriginLedger.Account origin;
    private boolean retryScheduled;
    private boolean overOriginBudgetOnce;
    /** This connection's own origin account (its address's is {@link #origin}). */
    private final OriginLedger.Account own = new OriginLedger.Account();
    private int cancels;
    private long blocksTaken;
    /** Cancels a peer may send beyond twice the blocks it takes. */
    static final int CANCEL_ALLOWANCE = 256;
    private int metadataRequests;
    private boolean expiredLogged;
    /** How long a request may go unanswered before it is given up. */
    static final long REQUEST_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** BEP 52 hash requests (their 48-byte headers) not answered yet. */
    private final ArrayDeque<byte[]> hashRequests = new ArrayDeque<>();
    private final ExtensionMessages extensions;
    private final PeerExchange pex = new PeerExchange();
    /** The peer's pieces, and the pieces shown to it. */
    private final PeerPieces pieces;
    private boolean choking = true;
    private boolean interested;
    private boolean throttled;
    private long unchokedAtNanos;
    private long waitingSinceNanos;
    private volatile long lastRequestNanos = System.nanoTime();
    private volatile long notInterestedSinceNanos = System.nanoTime();

    PeerSession(PeerConnection conn, SeedTorrent torrent, boolean fast, boolean extended) {
        this.conn = conn;
        this.engine = conn.engine;
        this.torrent = torrent;
        this.fast = fast;
        this.extended = extended;
        this.extensions = new ExtensionMessages(conn, torrent, pex);
        this.spanPieces = Math.max(1, torrent.pieces.spanPieces());
        this.origin = engine.originLedger().account(conn.remoteAddress());
        this.pieces = new PeerPieces(torrent, conn.out, engine.seeding());
    }

    /** Right after the handshakes: what we have (everything, or the pieces shown), our extensions, our DHT port. */
    void start(boolean peerDht) {
        pieces.start(fast);
        if (extended) {
            conn.out.send(extensions.handshake());
        }
        if (peerDht && engine.dhtPort() > 0) {
            conn.out.send(Wire.port(engine.dhtPort()));
        }
    }

    void onMessage(ByteBuffer m) {
        int id = m.get(0) & 0xFF;
        if (LOG.isTraceEnabled()) {
            LOG.trace("{}: message {} ({} bytes){}", conn.remoteName(), id, m.remaining(),
                    id == Wire.REQUEST && m.remaining() == 13 ? " piece " + m.getInt(1) + " offset " + m.getInt(5) : "");
        }
        int fixed = Wire.fixedLength(id);
        if (fixed > 0 && m.remaining() != fixed) {
            throw new PeerConnection.ProtocolException("message " + id + " of length " + m.remaining());
        }
        switch (id) {
            case Wire.CHOKE, Wire.UNCHOKE, Wire.PORT -> {
            }
            case Wire.HAVE -> {
                if (pieces.have(m.getInt(1))) {
                    completed();
                }
            }
            case Wire.INTERESTED -> {
                if (!interested) {
                    interested = true;
                    lastRequestNanos = System.nanoTime();
                    waitingSinceNanos = System.nanoTime();
                    engine.choker().interested(conn);
                }
            }
            case Wire.NOT_INTERESTED -> {
                if (interested) {
                    interested = false;
                    notInterestedSinceNanos = System.nanoTime();
                    engine.choker().notInterested(conn);
                }
            }
            case Wire.BITFIELD -> {
                int count = torrent.meta.pieceCount();
                if (m.remaining() - 1 != (count + 7) / 8) {
                    throw new PeerConnection.ProtocolException("bitfield of " + (m.remaining() - 1) + " bytes for "
                            + count + " pieces");
                }
                if (pieces.bitfield(m)) {
                    conn.close("the peer is a seed too");
                }
            }
            case Wire.HAVE_ALL -> conn.close("the peer is a seed too");
            case Wire.HAVE_NONE, Wire.SUGGEST, Wire.ALLOWED_FAST, Wire.REJECT -> {
                if (!fast) {
                    throw new PeerConnection.ProtocolException("fast-extension message " + id + " without the extension");
                }
            }
            case Wire.REQUEST -> request(m.getInt(1), m.getInt(5), m.getInt(9));
            case Wire.CANCEL -> cancel(m.getInt(1), m.getInt(5));
            case Wire.HASH_REQUEST -> hashRequest(m);
            case Wire.HASHES, Wire.HASH_REJECT -> {
                // answers to hash requests we never send: ignored
            }
            case Wire.EXTENDED -> {
                if (!extended || m.remaining() < 2) {
                    throw new PeerConnection.ProtocolException("extended message without the extension protocol");
                }
                extensions.onMessage(m.get(1) & 0xFF, m.slice(2, m.remaining() - 2));
            }
            default -> throw new PeerConnection.ProtocolException("unknown message id " + id);
        }
    }

    /**
     * The peer got its last piece while connected: counted. The connection stays a while, to learn whether the peer
     * stays to upload or leaves at once ({@link PeerPieces#stayed}).
     */
    private void completed() {
        torrent.peersCompleted.increment();
    }

    /** Once a second (the engine's sweep): an isolated peer is shown what it lacks; a completed one that stayed goes. */
    void tick(long now) {
        pieces.decay();
        if (pieces.stayed(now)) {
            conn.close("the peer completed the torrent and stays to upload");
            return;
        }
        pieces.topUp(now);
    }

    private void request(int index, int begin, int length) {
        var meta = torrent.meta;
        if (index < 0 || index >= meta.pieceCount() || begin < 0 || length <= 0 || length > Wire.MAX_BLOCK
                || (long) begin + length > meta.pieceSize(index)) {
            torrent.blocksRefused.increment();
            throw new PeerConnection.ProtocolException("bad request: piece " + index + " offset " + begin + " length "
                    + length + " (" + meta.pieceCount() + " pieces, block limit " + Wire.MAX_BLOCK + ")");
        }
        if (choking) {
            // BEP 3: requests while choked are ignored; BEP 6: rejected
            if (fast) {
                conn.out.send(Wire.reject(index, begin, length));
            }
            return;
        }
        if (requested.size() >= engine.maxOutstandingPerPeer()) {
            torrent.blocksRefused.increment();
            conn.drop("flood", "more than " + engine.maxOutstandingPerPeer()
                    + " block requests outstanding (flooding, or not reading)");
            return;
        }
        Request r = new Request(index, begin, length);
        if (requested.putIfAbsent(r.key(), r) != null) {
            return;
        }
        lastRequestNanos = System.nanoTime();
        waiting.add(r);   // claimed by the pump that follows the read, within this peer's budgets
    }

    /**
     * Claims the pieces of waiting requests, oldest first, while this peer's budgets allow: the spans it pins (at
     * least one), its origin loads in flight, and the cache's own bound (then it tries again shortly). A peer whose
     * requests made the origin send far more than it takes is choked, and dropped if it does it again.
     */
    private void admitWaiting() {
        PeerBudgets budgets = engine.budgets();
        while (!waiting.isEmpty() && !choking) {
            Request r = waiting.peek();
            if (r.released || requested.get(r.key()) != r) {
                waiting.poll();
                continue;
            }
            int span = r.index / spanPieces;
            boolean held = claimedSpans.containsKey(span);
            long bytes = held ? 0 : spanBytes(span);
            if (!held && !claimedSpans.isEmpty() && (pinnedBytes + bytes > budgets.pinnedBytesPerPeer()
                    || loadsInFlight >= budgets.originLoadsPerPeer())) {
                return;   // waits until one of this peer's spans is released or arrives
            }
            // a load is charged for the piece asked for, not the rest of the span the store fetches with it (that
            // batching is ours): a peer reading pieces in random order through a small cache is not taken for a churner
            long pieceBytes = torrent.meta.pieceSize(r.index);
            CompletableFuture<ByteBuffer> f = torrent.pieces.claim(r.index, n -> {
                own.caused(Math.min(n, pieceBytes));
                origin.caused(Math.min(n, pieceBytes));
            });
            if (f == null) {
                retryLater();   // the cache is full of pinned and loading spans
                return;
            }
            waiting.poll();
            engine.openClaims().incrementAndGet();
            r.piece = f;
            r.claimed = true;
            claimedSpans.merge(span, 1, Integer::sum);
            pinnedBytes += bytes;
            if (f.isDone()) {
                ready.add(r);
            } else if (!engine.pendingReads().tryAcquire()) {
                refuse(r, false);
                return;
            } else {
                r.holdsPermit = true;
                r.loading = true;
                loadsInFlight++;
                f.whenComplete((x, e) -> pieceArrived(r));
            }
            if (checkOriginBudget()) {
                return;
            }
        }
    }

    /** Bytes of the span of pieces the store loads (and pins) together. */
    private long spanBytes(int span) {
        var meta = torrent.meta;
        int first = span * spanPieces;
        int last = Math.min(meta.pieceCount(), first + spanPieces) - 1;
        return meta.pieceOffset(last) + meta.pieceSize(last) - meta.pieceOffset(first);
    }

    private void retryLater() {
        if (!retryScheduled) {
            retryScheduled = true;
            engine.scheduler().schedule(() -> {
                synchronized (conn) {
                    retryScheduled = false;
                    if (!conn.isClosedState()) {
                        pump();
                    }
                }
            }, 50, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * True when this peer was choked or dropped for what its requests made the origin send: counted for this
     * connection and for its IP address (reconnecting does not reset it), each against the same budget.
     */
    private boolean checkOriginBudget() {
        PeerBudgets b = engine.budgets();
        // an address over budget (reconnecting churners) costs only its connections that take less than they
        // cause beyond what a peer may have pinned: peers behind the same NAT that download honestly keep going
        OriginLedger.Account over = own.overBudget(b) ? own
                : origin.overBudget(b) && own.overBudget(b.originRatio(), b.pinnedBytesPerPeer()) ? origin : null;
        if (over == null) {
            return false;
        }
        overBudget("its requests made the origin send " + over.caused() + " bytes while it took " + over.taken()
                + (over == own ? "" : " (all connections from its address)"));
        return true;
    }

    /** Churn: the first time the peer is choked (and asked back later), the second time dropped. */
    private void overBudget(String why) {
        if (overOriginBudgetOnce) {
            conn.drop("origin_churn", why);
        } else {
            overOriginBudgetOnce = true;
            engine.choker().overOriginBudget(conn, why);
        }
    }

    private void pieceArrived(Request r) {
        synchronized (conn) {
            if (r.holdsPermit) {
                r.holdsPermit = false;
                engine.pendingReads().release();
            }
            if (r.loading) {
                r.loading = false;
                loadsInFlight--;
            }
            if (!r.released && requested.get(r.key()) == r) {
                ready.add(r);
            }
            if (!conn.isClosedState()) {
                pump();
            }
        }
    }

    private void cancel(int index, int begin) {
        Request r = requested.remove(((long) index << 32) | (begin & 0xFFFFFFFFL));
        if (r != null) {
            release(r);
            // end-game cancels are a few per peer; thousands beyond the blocks taken are request/cancel churn
            if (++cancels > CANCEL_ALLOWANCE + 2 * blocksTaken) {
                overBudget("it cancelled " + cancels + " requests while taking " + blocksTaken + " blocks (request/cancel churn)");
            }
        }
    }

    /**
     * A BEP 52 hash request: queued, and answered (hashes or hash reject) as soon as the send queue is under its
     * watermark, before any block. A peer that keeps more than {@value #MAX_PENDING_HASH_REQUESTS} waiting (it asks
     * faster than it reads) is dropped as a flooder.
     */
    private void hashRequest(ByteBuffer m) {
        if (torrent.hashServer == null) {
            throw new PeerConnection.ProtocolException("hash request for a torrent without BitTorrent v2 hashes");
        }
        if (hashRequests.size() >= MAX_PENDING_HASH_REQUESTS) {
            conn.drop("flood", "more than " + MAX_PENDING_HASH_REQUESTS + " hash requests waiting (flooding, or not reading)");
            return;
        }
        byte[] header = new byte[Wire.HASH_HEADER];
        m.get(1, header);
        hashRequests.add(header);
        answerHashRequests();   // at once while the send queue has room: reading stops when it has none
    }

    private void answerHashRequests() {
        while (!hashRequests.isEmpty() && !conn.out.full()) {
            ByteBuffer h = ByteBuffer.wrap(hashRequests.poll());
            byte[] hashes = torrent.hashServer.answer(h.array(), 0, h.getInt(32), h.getInt(36), h.getInt(40), h.getInt(44));
            if (LOG.isDebugEnabled()) {
                LOG.debug("hash request from {}: base {} index {} length {} proof layers {} -> {}", conn.remoteName(),
                        h.getInt(32), h.getInt(36), h.getInt(40), h.getInt(44),
                        hashes == null ? "reject" : hashes.length / 32 + " hashes");
            }
            if (hashes == null) {
                torrent.hashRequestsRejected.increment();
                conn.out.send(Wire.hashReject(h));
            } else {
                torrent.hashRequestsServed.increment();
                sendReply(Wire.hashes(h, hashes));
            }
        }
    }

    /** Moves ready blocks into the send queue while it is under its watermark (and the upload cap allows). */
    void pump() {
        answerHashRequests();
        if (!conn.isClosedState()) {
            admitWaiting();
        }
        while (!ready.isEmpty() && !conn.out.full() && !throttled) {
            Request r = ready.peek();
            if (r.released || requested.get(r.key()) != r) {
                ready.poll();
                continue;
            }
            ByteBuffer piece;
            try {
                piece = r.piece.getNow(null);
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                ready.poll();
                requested.remove(r.key());
                refuse(r, isStale(e));
                continue;
            }
            long delay = r.rateReserved ? 0 : engine.reserveUpload(r.length);
            r.rateReserved = true;
            if (delay > 0) {
                throttled = true;
                engine.scheduler().schedule(this::unthrottle, delay, TimeUnit.NANOSECONDS);
                return;
            }
            ready.poll();
            requested.remove(r.key());
            ByteBuffer data = piece.duplicate();
            data.position(r.begin).limit(r.begin + r.length);
            conn.out.sendBlock(Wire.pieceHeader(r.index, r.begin, r.length), data, written -> {
                if (written) {
                    torrent.uploaded.add(r.length);
                    torrent.blocksServed.increment();
                    origin.took(r.length);
                    own.took(r.length);
                    blocksTaken++;
                }
                release(r);
                if (written && !conn.isClosedState() && pieces.sent(r.index, r.length)) {
                    completed();
                }
            });
        }
    }

    private void unthrottle() {
        synchronized (conn) {
            throttled = false;
            pump();
        }
    }

    /** A request that cannot be served: rejected (fast peers), and the peer choked unless the torrent is stale. */
    private void refuse(Request r, boolean stale) {
        requested.remove(r.key());
        torrent.blocksRefused.increment();
        release(r);
        if (fast) {
            conn.out.send(Wire.reject(r.index, r.begin, r.length));
        }
        if (!stale) {
            engine.choker().couldNotServe(conn);
        }
    }

    private void release(Request r) {
        if (r.released) {
            return;
        }
        r.released = true;
        if (!r.claimed) {
            return;   // it was still waiting: nothing was claimed for it
        }
        if (r.loading) {
            r.loading = false;
            loadsInFlight--;
        }
        engine.openClaims().decrementAndGet();
        int span = r.index / spanPieces;
        Integer n = claimedSpans.get(span);
        if (n != null && n > 1) {
            claimedSpans.put(span, n - 1);
        } else if (n != null) {
            claimedSpans.remove(span);
            pinnedBytes -= spanBytes(span);
        }
        torrent.pieces.release(r.index);   // the last claim of a span still loading abandons its origin fetch
    }

    /**
     * Queues a reply that is upload (metadata, hashes): charged to the upload cap (it delays later blocks) and
     * counted as uploaded once written.
     */
    void sendReply(ByteBuffer m) {
        int bytes = m.remaining();
        engine.reserveUpload(bytes);
        conn.out.send(m, written -> {
            if (written) {
                torrent.uploaded.add(bytes);
            }
        });
    }

    /** Counts one ut_metadata request; false (and the peer is dropped) past a few times the metadata's blocks. */
    boolean metadataRequest(int blocks) {
        if (++metadataRequests > 3 * blocks + 8) {
            conn.drop("flood", "more than " + (3 * blocks + 8) + " metadata requests (the info dictionary has "
                    + blocks + " blocks)");
            return false;
        }
        return true;
    }

    private static boolean isStale(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof StaleTorrentException || t instanceof PieceVerificationException;
    }

    /** Chokes the peer: its pending requests are dropped (rejected for fast peers) and their claims released. */
    void choke() {
        if (choking) {
            return;
        }
        choking = true;
        conn.out.send(Wire.simple(Wire.CHOKE));
        for (Iterator<Request> it = requested.values().iterator(); it.hasNext(); ) {
            Request r = it.next();
            it.remove();
            release(r);
            if (fast) {
                conn.out.send(Wire.reject(r.index, r.begin, r.length));
            }
        }
        ready.clear();
        waiting.clear();
        waitingSinceNanos = System.nanoTime();
    }

    /**
     * Where other peers can reach this one: the address we dialed, or for a peer that dialed us its IP with the listen
     * port from its extended handshake; null when unknown.
     */
    java.net.InetSocketAddress listenAddress() {
        if (!(conn.getEndPoint().getRemoteSocketAddress() instanceof java.net.InetSocketAddress remote) || remote.getAddress() == null) {
            return null;
        }
        if (conn.isOutgoing()) {
            return remote;
        }
        int port = extensions.peerListenPort();
        return port == 0 ? null : new java.net.InetSocketAddress(remote.getAddress(), port);
    }

    /** Once a minute per peer that speaks ut_pex (called by the engine's sweep): the torrent's other peers. */
    void exchangePeers(long now) {
        if (pex.due(now)) {
            ByteBuffer m = pex.next(now, torrent.exchangeablePeers(conn));
            if (m != null) {
                conn.out.send(m);
            }
        }
    }

    void unchoke() {
        if (!choking) {
            return;
        }
        choking = false;
        unchokedAtNanos = System.nanoTime();
        LOG.trace("{}: unchoked", conn.remoteName());
        conn.out.send(Wire.simple(Wire.UNCHOKE));
    }

    boolean choking() {
        return choking;
    }

    boolean interested() {
        return interested;
    }

    long unchokedAtNanos() {
        return unchokedAtNanos;
    }

    long waitingSinceNanos() {
        return waitingSinceNanos;
    }

    /** When the peer last asked for a block (or became interested). */
    long lastRequestNanos() {
        return lastRequestNanos;
    }

    /** Since when the peer is not interested (meaningless while it is). */
    long notInterestedSinceNanos() {
        return notInterestedSinceNanos;
    }

    /**
     * Every wait has a deadline: a request still unanswered {@link #REQUEST_DEADLINE_NANOS} after it arrived (waiting,
     * loading or ready but held back) is given up — rejected for fast peers (they ask again), dropped for others (they
     * time it out themselves) — and its claim released; logged once per connection with what held it.
     */
    void expireRequests(long now) {
        java.util.List<Request> late = null;
        for (Request r : requested.values()) {
            if (now - r.arrivedNanos > REQUEST_DEADLINE_NANOS) {
                (late == null ? late = new java.util.ArrayList<>() : late).add(r);
            }
        }
        if (late == null) {
            return;
        }
        if (!expiredLogged) {
            expiredLogged = true;
            Request r = late.get(0);
            LOG.warn("{}: {} requests unanswered for {} s given up (piece {} offset {}: claimed {}, loading {}, piece done {});"
                            + " {} waiting, {} ready, {} spans pinned ({} bytes), {} loads, choking {}, throttled {}, send queue {} bytes{}",
                    conn.remoteName(), late.size(), TimeUnit.NANOSECONDS.toSeconds(REQUEST_DEADLINE_NANOS), r.index, r.begin,
                    r.claimed, r.loading, r.piece != null && r.piece.isDone(), waiting.size(), ready.size(),
                    claimedSpans.size(), pinnedBytes, loadsInFlight, choking, throttled, conn.out.queuedBytes(),
                    conn.isPaused() ? ", not read (send queue full)" : "");
        }
        for (Request r : late) {
            requested.remove(r.key());
            torrent.blocksRefused.increment();
            release(r);
            if (fast) {
                conn.out.send(Wire.reject(r.index, r.begin, r.length));
            }
        }
        pump();
    }

    /** The connection ended: every claim still held is released, and the peer's pieces leave the swarm's counts. */
    void closed() {
        pieces.closed();
        for (Request r : requested.values()) {
            release(r);
        }
        requested.clear();
        ready.clear();
        waiting.clear();
        hashRequests.clear();
    }
}
