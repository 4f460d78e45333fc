package io.github.torrenthttpbridge.engine;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import io.github.torrenthttpbridge.storage.PieceSource;
import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/** A torrent the {@link WireEngine} seeds: plain data (metadata, piece source, counters), no thread of its own. */
final class SeedTorrent implements PeerEngine.Seeded {
    final TorrentMetadata meta;
    final PieceSource pieces;
    final byte[] infoHash;
    /** Every 20-byte hash peers may name the torrent by: its info hash, and for a hybrid the truncated v2 one. */
    final List<InfoHash> swarmHashes;
    /** The truncated v2 info hash (v2 and hybrid torrents), else null. */
    final InfoHash v2Hash;
    /** HASH('req2', h) for each swarm hash h: how an MSE handshake names this torrent. */
    final Map<InfoHash, InfoHash> req2;
    /** Answers BEP 52 hash requests; null for v1 torrents. */
    final HashServer hashServer;
    final LongAdder uploaded = new LongAdder();
    final LongAdder blocksServed = new LongAdder();
    final LongAdder blocksRefused = new LongAdder();
    final LongAdder hashRequestsServed = new LongAdder();
    final LongAdder hashRequestsRejected = new LongAdder();
    /** Peers that got their last piece while connected to us. */
    final LongAdder peersCompleted = new LongAdder();
    final Set<PeerConnection> peers = ConcurrentHashMap.newKeySet();
    /** What the connected peers hold (economical seeding). */
    final SwarmPieces swarm;
    volatile boolean removed;

    SeedTorrent(TorrentMetadata meta, PieceSource pieces) {
        this.meta = meta;
        this.pieces = pieces;
        this.infoHash = meta.infoHash().bytes();
        this.swarmHashes = meta.swarmHashes();
        this.v2Hash = meta.v2InfoHash().map(h -> InfoHash.of(Arrays.copyOf(h, 20))).orElse(null);
        Map<InfoHash, InfoHash> r = new LinkedHashMap<>();
        for (InfoHash h : swarmHashes) {
            r.put(InfoHash.of(MseHandshake.req2(h.bytes())), h);
        }
        this.req2 = Map.copyOf(r);
        this.hashServer = meta.hasV2() ? new HashServer(meta) : null;
        this.swarm = new SwarmPieces(meta.pieceCount());
    }

    /**
     * The peers of this torrent another peer may be told of by peer exchange: each one's listen address and whether
     * it is known reachable (we dialed it), leaving out {@code to} itself (by connection and by address).
     */
    Map<java.net.InetSocketAddress, Boolean> exchangeablePeers(PeerConnection to) {
        java.net.InetSocketAddress self = to.session() == null ? null : to.session().listenAddress();
        Map<java.net.InetSocketAddress, Boolean> out = new java.util.HashMap<>();
        for (PeerConnection c : peers) {
            PeerSession s = c.session();
            java.net.InetSocketAddress a = c == to || s == null ? null : s.listenAddress();
            if (a != null && !a.equals(self)) {
                out.merge(a, c.isOutgoing(), Boolean::logicalOr);
            }
        }
        return out;
    }

    /** Whether {@code hash} (20 bytes at {@code off}) is one of {@link #swarmHashes}. */
    boolean knownBy(byte[] hash) {
        for (InfoHash h : swarmHashes) {
            if (Arrays.equals(h.bytes(), hash)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public TorrentMetadata torrent() {
        return meta;
    }

    @Override
    public long uploaded() {
        return uploaded.sum();
    }

    @Override
    public long blocksServed() {
        return blocksServed.sum();
    }

    @Override
    public long blocksRefused() {
        return blocksRefused.sum();
    }

    @Override
    public long hashRequestsServed() {
        return hashRequestsServed.sum();
    }

    @Override
    public long hashRequestsRejected() {
        return hashRequestsRejected.sum();
    }

    @Override
    public long peersCompleted() {
        return peersCompleted.sum();
    }

    @Override
    public int peerCount() {
        return peers.size();
    }

    @Override
    public Set<String> peers() {
        return peers.stream().map(PeerConnection::remoteName).collect(Collectors.toUnmodifiableSet());
    }
}
