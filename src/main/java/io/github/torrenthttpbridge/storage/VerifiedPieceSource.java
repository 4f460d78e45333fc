package io.github.torrenthttpbridge.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves verified pieces of one torrent from a {@link RangeSource}, through the shared {@link PieceCache}.
 *
 * <p>Pieces are fetched in aligned spans of whole pieces (at least {@code minFetchBytes}, so small pieces do
 * not cost one request each), every piece of a span is checked against its SHA-1, and only verified pieces
 * enter the cache or reach a caller. Concurrent requests for pieces of the same span share one fetch. The
 * first piece that fails verification marks the torrent stale: from then on every request fails at once,
 * so nothing more is uploaded from an origin that no longer holds the hashed file.
 */
public final class VerifiedPieceSource implements PieceSource {
    private static final Logger LOG = LoggerFactory.getLogger(VerifiedPieceSource.class);

    private final TorrentMetadata torrent;
    private final String id;
    private final RangeSource source;
    private final PieceCache cache;
    private final int spanPieces;
    private final PieceStats stats = new PieceStats();
    private final Consumer<StaleTorrentException> onStale;
    private volatile StaleTorrentException stale;

    /**
     * @param minFetchBytes smallest origin request: pieces are grouped into aligned spans of at least this size
     * @param onStale       called once when the torrent is found stale
     */
    public VerifiedPieceSource(TorrentMetadata torrent, RangeSource source, PieceCache cache, int minFetchBytes,
                               Consumer<StaleTorrentException> onStale) {
        this.torrent = torrent;
        this.id = torrent.infoHash().hex();
        this.source = source;
        this.cache = cache;
        this.spanPieces = Math.max(1, minFetchBytes / torrent.pieceLength());
        this.onStale = onStale;
    }

    public PieceStats stats() {
        return stats;
    }

    public boolean isStale() {
        return stale != null;
    }

    public StaleTorrentException staleReason() {
        return stale;
    }

    /** Pieces fetched together in one origin request. */
    public int spanPieces() {
        return spanPieces;
    }

    /** Marks the torrent stale from outside (e.g. the origin reported a new validator) and drops its cache. */
    public void markStale(String reason, Throwable cause) {
        StaleTorrentException e = new StaleTorrentException(torrent.name() + " (" + id + ") is stale: " + reason, cause);
        synchronized (this) {
            if (stale != null) {
                return;
            }
            stale = e;
        }
        LOG.error("{}; it is no longer served", e.getMessage());
        cache.invalidate(id);
        onStale.accept(e);
    }

    @Override
    public CompletableFuture<ByteBuffer> piece(int index) {
        if (index < 0 || index >= torrent.pieceCount()) {
            return CompletableFuture.failedFuture(new IndexOutOfBoundsException(
                    "piece " + index + " does not exist (" + torrent.pieceCount() + " pieces)"));
        }
        StaleTorrentException s = stale;
        if (s != null) {
            return CompletableFuture.failedFuture(s);
        }
        int span = index / spanPieces;
        boolean[] loaded = {false};
        CompletableFuture<PieceCache.Span> f = cache.get(new PieceCache.Key(id, span), (k, executor) -> {
            loaded[0] = true;
            return loadSpan(span);
        });
        if (!loaded[0]) {
            stats.cacheHits.increment();
        }
        return f.thenApply(loadedSpan -> {
            byte[] piece = loadedSpan.pieces()[index - span * spanPieces];
            if (piece == null) {
                throw new PieceVerificationException("piece " + index + " of " + id + " does not match its SHA-1");
            }
            StaleTorrentException st = stale;
            if (st != null) {
                throw st;
            }
            return ByteBuffer.wrap(piece).asReadOnlyBuffer();
        });
    }

    private CompletableFuture<PieceCache.Span> loadSpan(int span) {
        int first = span * spanPieces;
        int last = Math.min(torrent.pieceCount(), first + spanPieces) - 1;
        long offset = torrent.pieceOffset(first);
        long end = torrent.pieceOffset(last) + torrent.pieceSize(last);
        int length = (int) (end - offset);
        stats.originRequests.increment();
        return source.read(offset, length).handle((bytes, error) -> {
            if (error != null) {
                stats.originFailures.increment();
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                LOG.warn("fetching pieces {}-{} of {} failed: {}", first, last, torrent.name(), cause.getMessage());
                throw new java.util.concurrent.CompletionException(cause);
            }
            stats.originBytes.add(bytes.length);
            return verify(first, last, bytes);
        });
    }

    private PieceCache.Span verify(int first, int last, byte[] bytes) {
        byte[][] out = new byte[last - first + 1][];
        MessageDigest sha1 = sha1();
        int pos = 0;
        for (int i = first; i <= last; i++) {
            int size = torrent.pieceSize(i);
            sha1.update(bytes, pos, size);
            if (torrent.pieceHashMatches(i, sha1.digest())) {
                out[i - first] = (first == last) ? bytes : Arrays.copyOfRange(bytes, pos, pos + size);
                stats.piecesVerified.increment();
            } else {
                stats.verificationFailures.increment();
                LOG.warn("piece {} of {} ({}) does not match its SHA-1: the origin's file differs from the torrent",
                        i, torrent.name(), id);
                markStale("piece " + i + " fetched from the origin does not match the torrent's SHA-1", null);
            }
            pos += size;
        }
        return new PieceCache.Span(out, bytes.length);
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops this torrent's cached pieces. */
    public void close() {
        cache.invalidate(id);
    }
}
