package io.github.torrenthttpbridge.engine;

import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.protocol.Cancel;
import bt.protocol.Message;
import bt.torrent.annotation.Consumes;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.MessageContext;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polices peer connections for the {@link RemoteDataWorker}:
 * <ul>
 *   <li>a peer that breaks the protocol (a request outside its piece, an oversized block) or floods us with more
 *       outstanding requests than {@code maxOutstandingPerPeer} (which is also what a peer that never reads its
 *       blocks ends up doing) is disconnected at once;</li>
 *   <li>a peer that sends a message Bt cannot decode after its handshake (unknown id, wrong length, a length prefix
 *       over {@link GuardedProtocol#MAX_MESSAGE}) is disconnected by Bt and counted here;</li>
 *   <li>a peer that does not read what we send is disconnected once a write to it has been blocked for
 *       {@link #WRITE_STALL_LIMIT}: Bt writes to every peer from one thread, which such a peer would otherwise hold;</li>
 *   <li>a peer whose request could not be served (the origin failed after retries) is choked, which per BEP 3
 *       makes it drop every outstanding request instead of waiting for blocks that will never come; Bt unchokes
 *       it again after its anti-fibrillation delay (10 s), and it asks again.</li>
 * </ul>
 * It is registered with Bt as a messaging agent: {@link #produce} runs on each connection's message loop.
 */
public final class PeerGuard {
    private static final Logger LOG = LoggerFactory.getLogger(PeerGuard.class);

    /** Per connection: Bt creates one {@link Peer} object per connection, compared by identity. */
    private static final class PeerState {
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicBoolean chokeWanted = new AtomicBoolean();
        volatile boolean unchokeWanted;
        volatile boolean dropped;
        volatile boolean handshakeReceived;
    }

    /**
     * How long one write to a peer may stay blocked (its socket buffer full: it is not reading) before the peer is
     * disconnected. Short, because Bt writes to all peers from one thread, so the stall holds back everyone.
     */
    static final Duration WRITE_STALL_LIMIT = Duration.ofSeconds(5);

    private final int maxOutstandingPerPeer;
    private final Cache<Peer, PeerState> peers = Caffeine.newBuilder().weakKeys()
            .expireAfterAccess(Duration.ofMinutes(30)).build();
    /**
     * Established connections, to find a peer's connection and to watch for blocked writes. Weak: one Bt turns away
     * after creating it (a duplicate, over the connection limit) has its channel closed but never reports closed.
     */
    private final Set<GuardedConnectionFactory.Watched> connections = Collections.newSetFromMap(
            Caffeine.newBuilder().weakKeys().<GuardedConnectionFactory.Watched, Boolean>build().asMap());
    final LongAdder dropped = new LongAdder();
    /** Why peers were dropped; the keys are {@code bridge.PeerDropReason}'s names in lower case. */
    final java.util.Map<String, LongAdder> droppedBy = java.util.Map.of("protocol_error", new LongAdder(),
            "bad_request", new LongAdder(), "flood", new LongAdder(), "not_reading", new LongAdder());
    final LongAdder choked = new LongAdder();
    final LongAdder handshakesRefused = new LongAdder();
    private volatile CancelListener cancelListener = (peer, piece, offset, length) -> { };
    private volatile Consumer<Peer> closedListener = peer -> { };

    /** Told of every block request a peer cancels. */
    interface CancelListener {
        void cancelled(Peer peer, int piece, int offset, int length);
    }

    void onCancel(CancelListener listener) {
        this.cancelListener = listener;
    }

    /** Told once of every watched connection found closed (within a sweep, a few hundred ms). */
    void onConnectionClosed(Consumer<Peer> listener) {
        this.closedListener = listener;
    }

    PeerGuard(int maxOutstandingPerPeer) {
        this.maxOutstandingPerPeer = maxOutstandingPerPeer;
    }

    GuardedConnectionFactory.Watched watch(GuardedConnectionFactory.Watched connection) {
        connections.add(connection);
        return connection;
    }

    private PeerState state(Peer peer) {
        return peers.get(peer, p -> new PeerState());
    }

    /**
     * Counts a new outstanding block request; false (after dropping the peer) when it has too many already.
     * Every {@code true} must be matched by one {@link #done}.
     */
    boolean admit(TorrentId torrent, Peer peer) {
        PeerState s = state(peer);
        if (s.dropped) {
            return false;
        }
        if (s.outstanding.incrementAndGet() > maxOutstandingPerPeer) {
            s.outstanding.decrementAndGet();
            drop(torrent, peer, "flood", "more than " + maxOutstandingPerPeer + " block requests outstanding (flooding, or not reading)");
            return false;
        }
        return true;
    }

    /** Whether the peer was disconnected for misbehaving (its requests still queued in Bt are to be ignored). */
    boolean isDropped(Peer peer) {
        PeerState s = peers.getIfPresent(peer);
        return s != null && s.dropped;
    }

    /** A request admitted by {@link #admit} was written out or given up. */
    void done(Peer peer) {
        PeerState s = peers.getIfPresent(peer);
        if (s != null) {
            s.outstanding.updateAndGet(n -> Math.max(0, n - 1));
        }
    }

    /**
     * A cancelled request's block is discarded by Bt unwritten, so it would never be counted {@link #done}: without
     * this, a long-lived peer in end-game mode (which cancels a lot) would creep towards the flood limit. (When the
     * block was already written, the count just goes one lower than it should, never below zero.)
     */
    @Consumes
    public void consume(Cancel cancel, MessageContext context) {
        done(context.getPeer());
        cancelListener.cancelled(context.getPeer(), cancel.getPieceIndex(), cancel.getOffset(), cancel.getLength());
    }

    /** Disconnects a misbehaving peer. */
    void drop(TorrentId torrent, Peer peer, String kind, String reason) {
        if (!markDropped(peer, kind, reason)) {
            return;
        }
        // Found by identity: Bt's own lookup (IPeerConnectionPool#getConnection(Peer, TorrentId)) keys incoming
        // connections by the socket's remote port, which their Peer does not carry, so it never found them.
        for (GuardedConnectionFactory.Watched c : connections) {
            if (c.getRemotePeer() == peer) {
                c.closeQuietly();
            }
        }
    }

    /** Counts a peer as dropped, once; false if it already was. */
    private boolean markDropped(Peer peer, String kind, String reason) {
        PeerState s = state(peer);
        if (s.dropped) {
            return false;
        }
        s.dropped = true;
        dropped.increment();
        droppedBy.get(kind).increment();
        LOG.info("disconnecting peer {}: {}", peer, reason);
        return true;
    }

    /** The peer's handshake was decoded: from now on its decoding errors are protocol violations. */
    void handshakeReceived(Peer peer) {
        state(peer).handshakeReceived = true;
    }

    /** Bt could not decode what the peer sent and closes its connection; counted if it had shaken hands. */
    void protocolError(Peer peer, RuntimeException e) {
        PeerState s = peers.getIfPresent(peer);
        if (s != null && s.handshakeReceived) {
            markDropped(peer, "protocol_error", "protocol error: " + e.getMessage());
        }
    }

    /** An incoming connection that never became a peer: no valid handshake for a torrent we seed. */
    void handshakeRefused(Peer peer, String why) {
        handshakesRefused.increment();
        LOG.debug("refused incoming connection from {}: {}", peer, why);
    }

    /** Runs every few hundred ms: forgets closed connections, disconnects peers a write has been blocked on. */
    void sweep() {
        long now = System.nanoTime();
        for (GuardedConnectionFactory.Watched c : connections) {
            if (c.isClosed()) {
                if (connections.remove(c)) {
                    try {
                        closedListener.accept(c.getRemotePeer());
                    } catch (RuntimeException e) {
                        LOG.warn("handling the closed connection of {} failed", c.getRemotePeer(), e);
                    }
                }
                continue;
            }
            long since = c.writingSince;
            if (since != 0 && now - since > WRITE_STALL_LIMIT.toNanos()) {
                markDropped(c.getRemotePeer(), "not_reading", "a write to it has been blocked for more than "
                        + WRITE_STALL_LIMIT.toSeconds() + " s (it does not read)");
                // closing makes Bt's write loop give up, which frees the thread that writes to every peer
                c.closeQuietly();
            }
        }
    }

    /** Asks for the peer to be choked: its request could not be served. */
    void couldNotServe(Peer peer) {
        if (state(peer).chokeWanted.compareAndSet(false, true)) {
            choked.increment();
        }
    }

    /**
     * Called by Bt on each connection's loop. Turns a wanted choke into Bt's own choking; once choked, proposes the
     * unchoke, which Bt's choker sends after its anti-fibrillation delay (10 s since the choke). Proposing it is
     * needed: Bt records every choke it sends as a standing wish to choke, so the peer would stay choked for good.
     */
    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        PeerState s = peers.getIfPresent(context.getPeer());
        if (s == null) {
            return;
        }
        var connection = context.getConnectionState();
        if (s.chokeWanted.compareAndSet(true, false) && !connection.isChoking()) {
            LOG.debug("choking {}: a requested piece could not be fetched from the origin", context.getPeer());
            connection.setShouldChoke(true);
            s.unchokeWanted = true;
        } else if (s.unchokeWanted && connection.isChoking()) {
            s.unchokeWanted = false;
            connection.setShouldChoke(false);
        }
    }
}
