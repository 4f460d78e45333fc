package io.github.torrenthttpbridge.bridge;

import java.net.URI;
import java.util.List;
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
    private final List<OriginResource> origins;
    private final VerifiedPieceSource pieces;
    private final PeerEngine.Seeded running;
    private volatile SeedState state = SeedState.SEEDING;

    SeedHandle(TorrentMetadata torrent, List<OriginResource> origins, VerifiedPieceSource pieces, PeerEngine.Seeded running) {
        this.torrent = torrent;
        this.origins = List.copyOf(origins);
        this.pieces = pieces;
        this.running = running;
    }

    public TorrentMetadata torrent() {
        return torrent;
    }

    public InfoHash infoHash() {
        return torrent.infoHash();
    }

    /** The URL range requests go to (after redirects); the first file's for a torrent of several. */
    public URI url() {
        return origins.get(0).url();
    }

    /** What the origin answered for the file (the first file of several). */
    public OriginResource origin() {
        return origins.get(0);
    }

    /** What the origin answered for each file that has bytes, in the torrent's order. */
    public List<OriginResource> origins() {
        return origins;
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
                s.diskHits(), s.diskFailures(), running.peersCompleted());
    }

    void stopped() {
        state = SeedState.STOPPED;
    }

    VerifiedPieceSource pieces() {
        return pieces;
    }

    @Override
    public String toString() {
        return "SeedHandle[" + torrent + " from " + url() + (origins.size() > 1 ? " and " + (origins.size() - 1) + " more" : "") + ", " + state() + "]";
    }
}
