package io.github.torrenthttpbridge.engine;

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
    /** HASH('req2', info hash): how an MSE handshake names this torrent. */
    final InfoHash req2;
    final LongAdder uploaded = new LongAdder();
    final LongAdder blocksServed = new LongAdder();
    final LongAdder blocksRefused = new LongAdder();
    final Set<PeerConnection> peers = ConcurrentHashMap.newKeySet();
    volatile boolean removed;

    SeedTorrent(TorrentMetadata meta, PieceSource pieces) {
        this.meta = meta;
        this.pieces = pieces;
        this.infoHash = meta.infoHash().bytes();
        this.req2 = InfoHash.of(MseHandshake.req2(infoHash));
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
    public int peerCount() {
        return peers.size();
    }

    @Override
    public Set<String> peers() {
        return peers.stream().map(PeerConnection::remoteName).collect(Collectors.toUnmodifiableSet());
    }
}
