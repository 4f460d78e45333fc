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
 * Requests outside the piece, oversized ones, and any write are refused; a bounded number of reads wait at once.
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

    RemoteDataWorker(int maxPendingReads) {
        this.pending = new Semaphore(maxPendingReads);
    }

    Registration register(TorrentId id, TorrentMetadata torrent, PieceSource pieces) {
        Registration r = new Registration(torrent, pieces);
        torrents.put(id, r);
        return r;
    }

    void unregister(TorrentId id) {
        torrents.remove(id);
    }

    @Override
    public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrentId, Peer peer, int pieceIndex, int offset, int length) {
        Registration r = torrents.get(torrentId);
        if (r == null) {
            return CompletableFuture.completedFuture(BlockReads.rejected(peer, pieceIndex, offset, length));
        }
        if (pieceIndex < 0 || pieceIndex >= r.torrent.pieceCount() || offset < 0 || length <= 0 || length > MAX_BLOCK
                || (long) offset + length > r.torrent.pieceSize(pieceIndex)) {
            r.blocksRefused.increment();
            LOG.debug("refusing out-of-bounds request from {}: piece {} offset {} length {}", peer, pieceIndex, offset, length);
            return CompletableFuture.completedFuture(BlockReads.rejected(peer, pieceIndex, offset, length));
        }
        if (!pending.tryAcquire()) {
            r.blocksRefused.increment();
            return CompletableFuture.completedFuture(BlockReads.rejected(peer, pieceIndex, offset, length));
        }
        CompletableFuture<ByteBuffer> piece;
        try {
            piece = r.pieces.piece(pieceIndex);
        } catch (RuntimeException e) {
            pending.release();
            throw e;
        }
        return piece.handle((buf, error) -> {
            pending.release();
            if (error != null) {
                r.blocksRefused.increment();
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
                r.uploaded.add(length);
                r.blocksServed.increment();
                return true;
            });
        });
    }

    @Override
    public CompletableFuture<BlockWrite> addBlock(TorrentId torrentId, Peer peer, int pieceIndex, int offset, BufferedData buffer) {
        int length = buffer.length();
        buffer.dispose();
        return CompletableFuture.failedFuture(new IllegalStateException(
                "the bridge only seeds: refusing a block of " + length + " bytes from " + peer));
    }
}
