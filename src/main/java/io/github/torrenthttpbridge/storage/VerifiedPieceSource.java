package io.github.torrenthttpbridge.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
    private final ConcurrentHashMap<Integer, CompletableFuture<byte[][]>> inFlight = new ConcurrentHashMap<>();
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
        PieceCache.Key key = new PieceCache.Key(id, index);
        boolean[] loaded = {false};
        CompletableFuture<byte[]> f = cache.get(key, (k, executor) -> {
            loaded[0] = true;
            return loadSpan(index / spanPieces).thenApply(span -> {
                byte[] piece = span[index % spanPieces];
                if (piece == null) {
                    throw new PieceVerificationException("piece " + index + " of " + id + " failed verification");
                }
                return piece;
            });
        });
        if (!loaded[0] && f.isDone()) {
            stats.cacheHits.increment();
        }
        return f.thenApply(bytes -> {
            if (stale != null) {
                throw stale;
            }
            return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        });
    }

    private CompletableFuture<byte[][]> loadSpan(int span) {
        CompletableFuture<byte[][]> mine = new CompletableFuture<>();
        CompletableFuture<byte[][]> existing = inFlight.putIfAbsent(span, mine);
        if (existing != null) {
            return existing;
        }
        int first = span * spanPieces;
        int last = Math.min(torrent.pieceCount(), first + spanPieces) - 1;
        long offset = torrent.pieceOffset(first);
        long end = torrent.pieceOffset(last) + torrent.pieceSize(last);
        int length = (int) (end - offset);
        stats.originRequests.increment();
        source.read(offset, length).whenComplete((bytes, error) -> {
            try {
                if (error != null) {
                    stats.originFailures.increment();
                    LOG.warn("fetching pieces {}-{} of {} failed: {}", first, last, torrent.name(), error.getMessage());
                    mine.completeExceptionally(error);
                    return;
                }
                stats.originBytes.add(bytes.length);
                byte[][] pieces = verify(first, last, bytes);
                mine.complete(pieces);
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
            } finally {
                inFlight.remove(span, mine);
            }
        });
        return mine;
    }

    private byte[][] verify(int first, int last, byte[] bytes) {
        byte[][] out = new byte[spanPieces][];
        MessageDigest sha1 = sha1();
        int pos = 0;
        for (int i = first; i <= last; i++) {
            int size = torrent.pieceSize(i);
            sha1.update(bytes, pos, size);
            if (torrent.pieceHashMatches(i, sha1.digest())) {
                byte[] piece = (first == last) ? bytes : Arrays.copyOfRange(bytes, pos, pos + size);
                out[i - first] = piece;
                stats.piecesVerified.increment();
                if (stale == null) {
                    // siblings of the requested piece enter the cache now (the requested one is there as a future)
                    cache.putIfAbsent(new PieceCache.Key(id, i), piece);
                }
            } else {
                stats.verificationFailures.increment();
                LOG.warn("piece {} of {} ({}) does not match its SHA-1: the origin's file differs from the torrent",
                        i, torrent.name(), id);
                markStale("piece " + i + " fetched from the origin does not match the torrent's SHA-1", null);
            }
            pos += size;
        }
        return out;
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
