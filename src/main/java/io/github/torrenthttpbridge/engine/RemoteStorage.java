package io.github.torrenthttpbridge.engine;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionException;

import bt.data.Storage;
import bt.data.StorageUnit;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;
import bt.net.buffer.ByteBufferView;
import io.github.torrenthttpbridge.storage.PieceSource;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/**
 * Bt storage over a {@link PieceSource}: reads come from verified pieces, writes are refused (the bridge only
 * seeds). Uploads do not go through here ({@link RemoteDataWorker} reads pieces asynchronously); this serves
 * anything else in Bt that reads torrent data.
 */
final class RemoteStorage implements Storage {
    private final TorrentMetadata torrent;
    private final PieceSource pieces;

    RemoteStorage(TorrentMetadata torrent, PieceSource pieces) {
        this.torrent = torrent;
        this.pieces = pieces;
    }

    @Override
    public StorageUnit getUnit(Torrent t, TorrentFile file) {
        return new Unit();
    }

    @Override
    public void flush() {
        // nothing is ever written
    }

    private final class Unit implements StorageUnit {
        @Override
        public int readBlock(ByteBuffer buffer, long offset) {
            if (offset < 0 || offset >= torrent.length()) {
                return -1;
            }
            int index = (int) (offset / torrent.pieceLength());
            int within = (int) (offset - torrent.pieceOffset(index));
            ByteBuffer piece;
            try {
                piece = pieces.piece(index).join();
                int n = Math.min(buffer.remaining(), piece.remaining() - within);
                ByteBuffer src = piece.duplicate();
                src.position(within).limit(within + n);
                buffer.put(src);
                return n;
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            } finally {
                pieces.release(index);
            }
        }

        @Override
        public int writeBlock(ByteBuffer buffer, long offset) {
            throw new UnsupportedOperationException("the bridge only seeds; remote storage is read-only");
        }

        @Override
        public int writeBlock(ByteBufferView buffer, long offset) {
            throw new UnsupportedOperationException("the bridge only seeds; remote storage is read-only");
        }

        @Override
        public boolean createEmpty() {
            return true;
        }

        @Override
        public long capacity() {
            return torrent.length();
        }

        @Override
        public long size() {
            return torrent.length();
        }

        @Override
        public void close() {
            // holds no resources
        }
    }
}
