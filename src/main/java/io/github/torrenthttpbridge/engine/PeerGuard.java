package io.github.torrenthttpbridge.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import bt.metainfo.TorrentId;
import bt.net.IPeerConnectionPool;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.protocol.Message;
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
    }

    private final int maxOutstandingPerPeer;
    private final Cache<Peer, PeerState> peers = Caffeine.newBuilder().weakKeys()
            .expireAfterAccess(Duration.ofMinutes(30)).build();
    private volatile IPeerConnectionPool pool;
    final LongAdder dropped = new LongAdder();
    final LongAdder choked = new LongAdder();

    PeerGuard(int maxOutstandingPerPeer) {
        this.maxOutstandingPerPeer = maxOutstandingPerPeer;
    }

    void connectionPool(IPeerConnectionPool pool) {
        this.pool = pool;
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
            drop(torrent, peer, "more than " + maxOutstandingPerPeer + " block requests outstanding (flooding, or not reading)");
            return false;
        }
        return true;
    }

    /** A request admitted by {@link #admit} was written out or given up. */
    void done(Peer peer) {
        PeerState s = peers.getIfPresent(peer);
        if (s != null) {
            s.outstanding.decrementAndGet();
        }
    }

    /** Disconnects a misbehaving peer. */
    void drop(TorrentId torrent, Peer peer, String reason) {
        PeerState s = state(peer);
        if (s.dropped) {
            return;
        }
        s.dropped = true;
        dropped.increment();
        LOG.info("disconnecting peer {}: {}", peer, reason);
        IPeerConnectionPool p = pool;
        PeerConnection c = p == null ? null : p.getConnection(peer, torrent);
        if (c != null) {
            c.closeQuietly();
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
