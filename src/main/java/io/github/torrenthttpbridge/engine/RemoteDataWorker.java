package io.github.torrenthttpbridge.engine;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.net.buffer.BufferedData;
import bt.torrent.data.BlockRead;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.DataWorker;
import io.github.torrenthttpbridge.storage.PieceSource;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers peers' block requests without blocking a thread: each request waits on the verified piece's future
 * (fetched from the origin and hash-checked by the {@link PieceSource}) and only then becomes a block Bt sends.
 * Bt's default worker reads synchronously on one thread, which would serialise all origin requests.
 * Requests outside the piece or oversized ones get the peer disconnected (see {@link PeerGuard}), as do more
 * outstanding requests than one peer may have; any write is refused; a bounded number of reads wait at once;
 * a request whose piece cannot be fetched gets its peer choked, so it asks again later instead of waiting.
 * Uploads can be capped in bytes per second: a block is released when the rate allows.
 */
final class RemoteDataWorker implements DataWorker {
    /** Largest block a peer may request (BEP 3 clients use 16 KiB; 128 KiB is the common upper limit). */
    static final int MAX_BLOCK = 128 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(RemoteDataWorker.class);

    static final class Registration {
        final TorrentMetadata torrent;
        final PieceSource pieces;
        final LongAdder uploaded = new LongAdder();
        final LongAdder blocksServed = new LongAdder();
        final LongAdder blocksRefused = new LongAdder();

        Registration(TorrentMetadata torrent, PieceSource pieces) {
            this.torrent = torrent;
            this.pieces = pieces;
        }
    }

    private final Map<TorrentId, Registration> torrents = new ConcurrentHashMap<>();
    private final Semaphore pending;
    private final PeerGuard guard;
    private final UploadRate rate;
    private final int maxPendingReads;
    private final Claims claims = new Claims();

    RemoteDataWorker(int maxPendingReads, PeerGuard guard, long maxUploadBytesPerSecond) {
        this.maxPendingReads = maxPendingReads;
        this.pending = new Semaphore(maxPendingReads);
        this.guard = guard;
        this.rate = maxUploadBytesPerSecond > 0 ? new UploadRate(maxUploadBytesPerSecond) : null;
        guard.onCancel(claims::cancelled);
        guard.onConnectionClosed(claims::peerGone);
    }

    /** Read permits held: block requests waiting for their piece (0 when none waits). */
    int permitsHeld() {
        return maxPendingReads - pending.availablePermits();
    }

    /** Pieces asked of a {@link PieceSource} and not yet released (0 when no request is outstanding). */
    int openClaims() {
        return claims.open();
    }

    Registration register(TorrentId id, TorrentMetadata torrent, PieceSource pieces) {
        Registration r = new Registration(torrent, pieces);
        torrents.put(id, r);
        return r;
    }

    void unregister(TorrentId id) {
        Registration r = torrents.remove(id);
        if (r != null) {
            claims.sourceGone(r.pieces);
        }
    }

    @Override
    public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrentId, Peer peer, int pieceIndex, int offset, int length) {
        Registration r = torrents.get(torrentId);
        if (r == null) {
            return CompletableFuture.completedFuture(BlockReads.rejected(peer, pieceIndex, offset, length));
        }
        if (guard.isDropped(peer)) {
            r.blocksRefused.increment();
            return ignored();
        }
        if (pieceIndex < 0 || pieceIndex >= r.torrent.pieceCount() || offset < 0 || length <= 0 || length > MAX_BLOCK
                || (long) offset + length > r.torrent.pieceSize(pieceIndex)) {
            r.blocksRefused.increment();
            guard.drop(torrentId, peer, "bad_request", "bad request: piece " + pieceIndex + " offset " + offset + " length " + length
                    + " (" + r.torrent.pieceCount() + " pieces, block limit " + MAX_BLOCK + ")");
            return ignored();
        }
        if (!guard.admit(torrentId, peer)) {
            r.blocksRefused.increment();
            return ignored();
        }
        if (!pending.tryAcquire()) {
            guard.done(peer);
            guard.couldNotServe(peer);
            r.blocksRefused.increment();
            return CompletableFuture.completedFuture(BlockReads.rejected(peer, pieceIndex, offset, length));
        }
        CompletableFuture<ByteBuffer> piece;
        try {
            piece = r.pieces.piece(pieceIndex);
        } catch (RuntimeException e) {
            pending.release();
            guard.done(peer);
            throw e;
        }
        // every piece() is matched by one release(): when the block is written, refused, cancelled, or the peer gone
        Claims.Claim claim = claims.open(r.pieces, peer, pieceIndex, offset, length);
        CompletableFuture<BlockRead> read = piece.handle((buf, error) -> {
            pending.release();
            if (error != null) {
                claim.release();
                guard.done(peer);
                r.blocksRefused.increment();
                if (!isStale(error)) {
                    guard.couldNotServe(peer);
                }
                LOG.debug("not serving piece {} to {}: {}", pieceIndex, peer, error.toString());
                return BlockReads.rejected(peer, pieceIndex, offset, length);
            }
            return BlockReads.ready(peer, pieceIndex, offset, length, target -> {
                if (target.remaining() < length) {
                    return false;
                }
                ByteBuffer src = buf.duplicate();
                src.position(offset).limit(offset + length);
                target.put(src);
                claim.release();
                r.uploaded.add(length);
                r.blocksServed.increment();
                guard.done(peer);
                return true;
            });
        });
        if (rate == null) {
            return read;
        }
        return read.thenCompose(block -> {
            long delayNanos = block.isRejected() ? 0 : rate.reserve(length);
            return delayNanos <= 0 ? CompletableFuture.completedFuture(block)
                    : CompletableFuture.supplyAsync(() -> block,
                    CompletableFuture.delayedExecutor(delayNanos, java.util.concurrent.TimeUnit.NANOSECONDS));
        });
    }

    /**
     * The answer to a dropped peer's requests: one that never comes. Bt logs a warning for every rejected request,
     * and it goes on handing us the requests a peer had already sent when it was dropped: a flood of 20,000 made
     * 20,000 log lines.
     */
    private static CompletableFuture<BlockRead> ignored() {
        return new CompletableFuture<>();
    }

    /** A stale torrent is being taken off the swarm: no point asking its peers to come back. */
    private static boolean isStale(Throwable error) {
        Throwable t = error;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof io.github.torrenthttpbridge.storage.StaleTorrentException
                || t instanceof io.github.torrenthttpbridge.storage.PieceVerificationException;
    }

    /** Bytes-per-second budget (GCRA): each block reserves its share; up to one second's worth may burst. */
    static final class UploadRate {
        private final double nanosPerByte;
        private final long burstNanos = 1_000_000_000L;
        private long theoreticalArrival = System.nanoTime();

        UploadRate(long bytesPerSecond) {
            this.nanosPerByte = 1e9 / bytesPerSecond;
        }

        /** Reserves {@code bytes}; returns how long to wait before sending them. */
        synchronized long reserve(int bytes) {
            long now = System.nanoTime();
            long tat = Math.max(theoreticalArrival, now);
            long delay = Math.max(0, tat - now - burstNanos);
            theoreticalArrival = tat + (long) (bytes * nanosPerByte);
            return delay;
        }
    }

    @Override
    public CompletableFuture<BlockWrite> addBlock(TorrentId torrentId, Peer peer, int pieceIndex, int offset, BufferedData buffer) {
        int length = buffer.length();
        buffer.dispose();
        return CompletableFuture.failedFuture(new IllegalStateException(
                "the bridge only seeds: refusing a block of " + length + " bytes from " + peer));
    }
}
