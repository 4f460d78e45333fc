package io.github.torrenthttpbridge.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.torrenthttpbridge.torrent.TorrentFile;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/**
 * A torrent's piece space read from one {@link RangeSource} per file: a range that spans files reads from each (in
 * parallel), and the bytes of pad files and of the gaps before v2 files are zeros that are never fetched.
 */
public final class PieceSpace implements RangeSource {
    private final long length;
    private final long[] starts;
    private final long[] lengths;
    private final RangeSource[] sources;

    /**
     * @param sources one per entry of {@code torrent.files()} that is neither a pad file nor empty, in that order
     */
    public PieceSpace(TorrentMetadata torrent, List<RangeSource> sources) {
        List<TorrentFile> real = dataFiles(torrent);
        if (sources.size() != real.size()) {
            throw new IllegalArgumentException(torrent + " has " + real.size() + " files with data, but "
                    + sources.size() + " sources were given");
        }
        this.length = torrent.length();
        this.starts = real.stream().mapToLong(TorrentFile::offset).toArray();
        this.lengths = real.stream().mapToLong(TorrentFile::length).toArray();
        this.sources = sources.toArray(new RangeSource[0]);
    }

    /** The files of {@code torrent} that hold bytes someone serves: not pad files, not empty. */
    public static List<TorrentFile> dataFiles(TorrentMetadata torrent) {
        List<TorrentFile> out = new ArrayList<>();
        for (TorrentFile f : torrent.files()) {
            if (!f.pad() && f.length() > 0) {
                out.add(f);
            }
        }
        return out;
    }

    @Override
    public CompletableFuture<byte[]> read(long offset, int len) {
        if (offset < 0 || len < 0 || offset + len > length) {
            return CompletableFuture.failedFuture(new IndexOutOfBoundsException(
                    "bytes " + offset + "+" + len + " are outside the piece space of " + length));
        }
        if (sources.length == 1 && starts[0] == 0 && offset + len <= lengths[0]) {
            return sources[0].read(offset, len);  // a single file: nothing to assemble
        }
        byte[] out = new byte[len];
        List<CompletableFuture<?>> parts = new ArrayList<>();
        List<CompletableFuture<byte[]>> reads = new ArrayList<>();
        long end = offset + len;
        for (int i = first(offset); i < starts.length && starts[i] < end; i++) {
            long from = Math.max(offset, starts[i]);
            long to = Math.min(end, starts[i] + lengths[i]);
            if (from >= to) {
                continue;
            }
            int at = (int) (from - offset);
            int n = (int) (to - from);
            CompletableFuture<byte[]> part;
            try {
                part = sources[i].read(from - starts[i], n);
            } catch (RuntimeException e) {
                part = CompletableFuture.failedFuture(e);
            }
            reads.add(part);
            parts.add(part.thenAccept(bytes -> {
                if (bytes.length != n) {
                    throw new IllegalStateException("a file source returned " + bytes.length + " bytes for " + n);
                }
                System.arraycopy(bytes, 0, out, at, n);
            }));
        }
        CompletableFuture<byte[]> all = CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> out);
        all.whenComplete((b, e) -> {
            if (all.isCancelled()) {
                reads.forEach(r -> r.cancel(true));   // an abandoned load stops every file's request
            }
        });
        return all;
    }

    @Override
    public long fetchedBytes(long offset, int len) {
        long n = 0;
        long end = offset + len;
        for (int i = first(offset); i < starts.length && starts[i] < end; i++) {
            n += Math.max(0, Math.min(end, starts[i] + lengths[i]) - Math.max(offset, starts[i]));
        }
        return n;
    }

    /** The first file that ends after {@code offset}. */
    private int first(long offset) {
        int lo = 0;
        int hi = starts.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] + lengths[mid] <= offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
