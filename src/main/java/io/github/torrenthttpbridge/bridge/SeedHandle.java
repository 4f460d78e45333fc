package io.github.torrenthttpbridge.bridge;

import java.net.URI;
import java.util.Optional;
import java.util.Set;

import io.github.torrenthttpbridge.engine.PeerEngine;
import io.github.torrenthttpbridge.origin.OriginResource;
import io.github.torrenthttpbridge.storage.VerifiedPieceSource;
import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/** A torrent registered with a {@link TorrentBridge}: its identity, state and live figures. */
public final class SeedHandle {
    private final TorrentMetadata torrent;
    private final OriginResource origin;
    private final VerifiedPieceSource pieces;
    private final PeerEngine.Seeded running;
    private volatile SeedState state = SeedState.SEEDING;

    SeedHandle(TorrentMetadata torrent, OriginResource origin, VerifiedPieceSource pieces, PeerEngine.Seeded running) {
        this.torrent = torrent;
        this.origin = origin;
        this.pieces = pieces;
        this.running = running;
    }

    public TorrentMetadata torrent() {
        return torrent;
    }

    public InfoHash infoHash() {
        return torrent.infoHash();
    }

    /** The URL range requests go to (after redirects). */
    public URI url() {
        return origin.url();
    }

    public OriginResource origin() {
        return origin;
    }

    public String magnetLink() {
        return torrent.magnetLink();
    }

    public SeedState state() {
        return pieces.isStale() && state == SeedState.SEEDING ? SeedState.STALE : state;
    }

    /** Why the torrent is stale, if it is. */
    public Optional<String> staleReason() {
        return pieces.isStale() ? Optional.of(pieces.staleReason().getMessage()) : Optional.empty();
    }

    public Set<String> peers() {
        return running.peers();
    }

    /** BEP 52 hash requests (v2 peers asking for piece-layer hashes) answered with hashes. */
    public long hashRequestsServed() {
        return running.hashRequestsServed();
    }

    /** BEP 52 hash requests answered with a hash reject (unknown root, a layer we do not hold, bad range). */
    public long hashRequestsRejected() {
        return running.hashRequestsRejected();
    }

    public SeedStats stats() {
        var s = pieces.stats();
        return new SeedStats(running.peerCount(), running.uploaded(), s.originBytes(), s.originRequests(),
                s.originFailures(), s.piecesVerified(), s.verificationFailures(), running.blocksRefused(), s.cacheHits(),
                s.diskHits(), s.diskFailures());
    }

    void stopped() {
        state = SeedState.STOPPED;
    }

    VerifiedPieceSource pieces() {
        return pieces;
    }

    @Override
    public String toString() {
        return "SeedHandle[" + torrent + " from " + origin.url() + ", " + state() + "]";
    }
}
