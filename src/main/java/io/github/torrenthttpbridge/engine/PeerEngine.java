package io.github.torrenthttpbridge.engine;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.github.torrenthttpbridge.storage.PieceSource;
import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/** The seed-side peer-wire engine a bridge runs: one listening port, many torrents, each read from a PieceSource. */
public interface PeerEngine extends AutoCloseable {
    /** Binds the peer port and starts serving; throws {@link EngineStartException} when the port cannot be bound. */
    void start();

    /** The TCP port peers connect to. */
    int port();

    String peerIdHex();

    /** The DHT node id in hex once the DHT runs; empty when it is off or not running yet. */
    Optional<String> dhtNodeIdHex();

    boolean dhtEnabled();

    /** Registers a torrent, every piece advertised, announced to {@code announceTiers} (and the DHT). */
    Seeded seed(TorrentMetadata torrent, PieceSource pieces, List<List<String>> announceTiers);

    /** Stops seeding a torrent and closes its peers; a no-op if it is not seeded. */
    void remove(InfoHash infoHash);

    /** Dials a peer of a seeded torrent now. */
    void connectTo(InfoHash infoHash, InetSocketAddress peer);

    /**
     * A peer of a seeded torrent we were told of (a leecher announcing to the built-in tracker, a tracker's answer):
     * dialed after a grace period unless it has connected to us by then.
     */
    void offer(InfoHash infoHash, InetSocketAddress peer);

    /** Peers disconnected for breaking the protocol, flooding or not reading, since start. */
    long peersDropped();

    /** {@link #peersDropped()} by reason: protocol_error, bad_request, flood, not_reading, origin_churn, evicted. */
    java.util.Map<String, Long> peersDroppedByReason();

    /** {@link #handshakesRefused()} by reason (per_ip_limit, handshake_limit, key_exchange_rate, handshake, ...). */
    default java.util.Map<String, Long> handshakesRefusedByReason() {
        return java.util.Map.of();
    }

    /** Chokes by reason: origin_failure, origin_budget, snubbed, not_reading. */
    default java.util.Map<String, Long> peersChokedByReason() {
        return java.util.Map.of();
    }

    /** Block requests waiting for their piece to arrive from the origin (0 when idle: nothing leaked). */
    int readPermitsHeld();

    /** {@code PieceSource.piece} calls not yet matched by their release (0 when idle: nothing leaked). */
    int openPieceClaims();

    /** Incoming connections closed before a valid handshake for a seeded torrent, since start. */
    long handshakesRefused();

    /** Times a peer was choked because its request could not be served, since start. */
    long peersChoked();

    /** DHT and tracker announces so far, and the latest error of each tracker host. */
    io.github.torrenthttpbridge.swarm.AnnouncerStats announceStats();

    @Override
    void close();

    /** One seeded torrent's live figures. */
    interface Seeded {
        TorrentMetadata torrent();

        /** Bytes of verified piece data written to peers. */
        long uploaded();

        long blocksServed();

        /** Block requests refused (out of bounds, overloaded, or the piece could not be fetched and verified). */
        long blocksRefused();

        /** Connected peers (without building their addresses). */
        int peerCount();

        /** Addresses of connected peers. */
        Set<String> peers();

        /** Peers that got their last piece while connected to this seed. */
        default long peersCompleted() {
            return 0;
        }

        /** BEP 52 hash requests answered with hashes (v2 and hybrid torrents). */
        default long hashRequestsServed() {
            return 0;
        }

        /** BEP 52 hash requests answered with a hash reject. */
        default long hashRequestsRejected() {
            return 0;
        }
    }
}
