package io.github.torrenthttpbridge.storage;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import io.github.torrenthttpbridge.torrent.PieceVerifier;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves verified pieces of one torrent from a {@link RangeSource}, through the shared {@link PieceCache}.
 *
 * <p>This is the one place pieces are verified: bytes from the origin, and bytes read back from the disk tier
 * (a piece that fails there is dropped from disk and fetched again; one that fails from the origin makes the
 * torrent stale). A span read right after the two spans before it starts a read-ahead of the next one.
 * Each {@link #piece} call claims (pins) its span in memory until its {@link #release}.
 *
 * <p>Pieces are fetched in aligned spans of whole pieces (at least {@code minFetchBytes}, so small pieces do
 * not cost one request each), every piece of a span is checked against its hash (SHA-1, or the v2 merkle tree), and only verified pieces
 * enter the cache or reach a caller. Concurrent requests for pieces of the same span share one fetch. The
 * first piece that fails verification marks the torrent stale: from then on every request fails at once,
 * so nothing more is uploaded from an origin that no longer holds the hashed file.
 */
public final class VerifiedPieceSource implements PieceSource {
    private static final Logger LOG = LoggerFactory.getLogger(VerifiedPieceSource.class);

    private final TorrentMetadata torrent;
    private final PieceVerifier verifier;
    private final String id;
    private final RangeSource source;
    private final PieceCache cache;
    private final int spanPieces;
    private final int spanCount;
    private final PieceStats stats = new PieceStats();
    private final java.util.concurrent.atomic.AtomicInteger readAheads = new java.util.concurrent.atomic.AtomicInteger();
    /** Read-ahead loads of one torrent at once. */
    static final int MAX_READ_AHEADS = 2;
    private final Consumer<StaleTorrentException> onStale;
    private volatile StaleTorrentException stale;

    /**
     * @param minFetchBytes smallest origin request: pieces are grouped into aligned spans of at least this size
     * @param onStale       called once when the torrent is found stale
     */
    public VerifiedPieceSource(TorrentMetadata torrent, RangeSource source, PieceCache cache, int minFetchBytes,
                               Consumer<StaleTorrentException> onStale) {
        this.torrent = torrent;
        this.verifier = new PieceVerifier(torrent);
        this.id = torrent.infoHash().hex();
        this.source = source;
        this.cache = cache;
        this.spanPieces = Math.max(1, minFetchBytes / torrent.pieceLength());
        this.spanCount = (torrent.pieceCount() + spanPieces - 1) / spanPieces;
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
    @Override
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
        return claim(index, NO_CHARGE, false);
    }

    @Override
    public CompletableFuture<ByteBuffer> claim(int index, java.util.function.LongConsumer originBytes) {
        return claim(index, originBytes, true);
    }

    private static final java.util.function.LongConsumer NO_CHARGE = n -> {
    };

    private CompletableFuture<ByteBuffer> claim(int index, java.util.function.LongConsumer originBytes, boolean bounded) {
        if (index < 0 || index >= torrent.pieceCount()) {
            return CompletableFuture.failedFuture(new IndexOutOfBoundsException(
                    "piece " + index + " does not exist (" + torrent.pieceCount() + " pieces)"));
        }
        int span = index / spanPieces;
        PieceCache.Key key = new PieceCache.Key(id, span);
        StaleTorrentException s = stale;
        if (s != null) {
            // claimed all the same (nothing is loaded), so that every release(index) has its claim to end
            cache.claimOnly(key);
            return CompletableFuture.failedFuture(s);
        }
        boolean[] loaded = {false};
        CompletableFuture<PieceCache.Span> f = cache.claim(key, token -> loadSpan(span, token, originBytes), loaded,
                spanBytes(span), bounded);
        if (f == null) {
            return null;   // no memory to pin it now: nothing claimed
        }
        if (!loaded[0]) {
            stats.cacheHits.increment();
        } else if (span > 1 && span + 1 < spanCount && cache.inMemory(new PieceCache.Key(id, span - 1))
                && cache.inMemory(new PieceCache.Key(id, span - 2))) {
            // the two spans before this one were read recently: someone reads in order, so fetch the next one now
            // (two, not one: peers picking pieces at random rarely find both, so they seldom cause a read-ahead)
            readAhead(span + 1);
        }
        return f.thenApply(loadedSpan -> {
            byte[] piece = loadedSpan.pieces()[index - span * spanPieces];
            if (piece == null) {
                throw new PieceVerificationException("piece " + index + " of " + id + " does not match its hash");
            }
            StaleTorrentException st = stale;
            if (st != null) {
                throw st;
            }
            return ByteBuffer.wrap(piece).asReadOnlyBuffer();
        });
    }

    @Override
    public void release(int index) {
        if (index >= 0 && index < torrent.pieceCount()) {
            cache.unclaim(new PieceCache.Key(id, index / spanPieces));
        }
    }

    @Override
    public void prefetch(int index) {
        if (index >= 0 && index < torrent.pieceCount()) {
            readAhead(index / spanPieces);
        }
    }

    /** Loads a span nobody asked for yet, unless it is in memory or too many read-aheads run already. */
    private void readAhead(int span) {
        if (stale != null || readAheads.incrementAndGet() > MAX_READ_AHEADS) {
            readAheads.decrementAndGet();
            return;
        }
        boolean started = cache.prefetch(new PieceCache.Key(id, span),
                () -> loadSpan(span, new LoadToken(), NO_CHARGE).whenComplete((x, e) -> readAheads.decrementAndGet()),
                spanBytes(span));
        if (started) {
            stats.readAheads.increment();
        } else {
            readAheads.decrementAndGet();
        }
    }

    private long spanBytes(int span) {
        int first = span * spanPieces;
        int last = lastPiece(span);
        return torrent.pieceOffset(last) + torrent.pieceSize(last) - torrent.pieceOffset(first);
    }

    /**
     * Loads a span: from the disk tier when its bytes there still verify, else from the origin ({@code originBytes}
     * is told how many that fetch asks for); an abandoned load fetches nothing more.
     */
    private CompletableFuture<PieceCache.Span> loadSpan(int span, LoadToken token, java.util.function.LongConsumer originBytes) {
        PieceCache.Key key = new PieceCache.Key(id, span);
        SpanTier disk = cache.disk();
        if (disk == SpanTier.NONE) {
            return fetch(span, disk, token, originBytes);
        }
        return disk.get(key).thenCompose(bytes -> {
            if (bytes != null) {
                int first = span * spanPieces;
                int last = lastPiece(span);
                byte[][] pieces = verify(first, last, bytes);
                if (pieces != null && Arrays.stream(pieces).allMatch(java.util.Objects::nonNull)) {
                    stats.diskHits.increment();
                    stats.diskBytes.add(bytes.length);
                    return CompletableFuture.completedFuture(new PieceCache.Span(pieces, bytes.length));
                }
                // a disk can rot: these bytes are never used; the span is dropped and fetched again
                stats.diskFailures.increment();
                LOG.warn("span {} (pieces {}-{}) of {} read back from the disk cache does not match its hash;"
                        + " dropped from disk and fetched again", span, first, last, torrent.name());
                disk.remove(key);
            }
            if (token.abandoned()) {
                return CompletableFuture.failedFuture(new java.util.concurrent.CancellationException("abandoned"));
            }
            return fetch(span, disk, token, originBytes);
        });
    }

    private int lastPiece(int span) {
        return Math.min(torrent.pieceCount(), (span + 1) * spanPieces) - 1;
    }

    private CompletableFuture<PieceCache.Span> fetch(int span, SpanTier disk, LoadToken token,
                                                     java.util.function.LongConsumer originBytes) {
        int first = span * spanPieces;
        int last = lastPiece(span);
        long offset = torrent.pieceOffset(first);
        long end = torrent.pieceOffset(last) + torrent.pieceSize(last);
        int length = (int) (end - offset);
        stats.originRequests.increment();
        originBytes.accept(source.fetchedBytes(offset, length));
        CompletableFuture<byte[]> read;
        try {
            read = source.read(offset, length);
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<byte[]> running = read;
        token.onAbandon(() -> running.cancel(true));
        return read.handle((bytes, error) -> {
            if (error != null && token.abandoned()) {
                stats.originAbandoned.increment();
                LOG.debug("fetching pieces {}-{} of {} abandoned: no request waits for them", first, last, torrent.name());
                throw new CompletionException(new java.util.concurrent.CancellationException("abandoned"));
            }
            if (error != null) {
                stats.originFailures.increment();
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                LOG.warn("fetching pieces {}-{} of {} failed: {}", first, last, torrent.name(), cause.getMessage());
                throw new CompletionException(cause);
            }
            stats.originBytes.add(source.fetchedBytes(offset, length));  // pad bytes are not fetched
            byte[][] pieces = verify(first, last, bytes);
            if (pieces == null) {
                throw new CompletionException(new IllegalStateException("the origin source returned "
                        + bytes.length + " bytes for a range of " + length));
            }
            boolean allGood = true;
            for (int i = first; i <= last; i++) {
                if (pieces[i - first] != null) {
                    stats.piecesVerified.increment();
                } else {
                    allGood = false;
                    stats.verificationFailures.increment();
                    LOG.warn("piece {} of {} ({}) does not match its hash: the origin's file differs from the torrent",
                            i, torrent.name(), id);
                    markStale("piece " + i + " fetched from the origin does not match the torrent's hash", null);
                }
            }
            if (allGood) {
                disk.put(new PieceCache.Key(id, span), pieces, bytes.length);
            }
            return new PieceCache.Span(pieces, bytes.length);
        });
    }

    /**
     * The one place pieces are checked: splits {@code bytes} (pieces {@code first..last} in order) into pieces,
     * each one null unless it matches its hash; null when {@code bytes} is not exactly their length.
     */
    private byte[][] verify(int first, int last, byte[] bytes) {
        long expected = torrent.pieceOffset(last) + torrent.pieceSize(last) - torrent.pieceOffset(first);
        if (bytes.length != expected) {
            return null;
        }
        byte[][] out = new byte[last - first + 1][];
        int pos = 0;
        for (int i = first; i <= last; i++) {
            int size = torrent.pieceSize(i);
            if (verifier.verify(i, bytes, pos, size)) {
                out[i - first] = (first == last) ? bytes : Arrays.copyOfRange(bytes, pos, pos + size);
            }
            pos += size;
        }
        return out;
    }

    /** Drops this torrent's cached pieces. */
    public void close() {
        cache.invalidate(id);
    }
}
