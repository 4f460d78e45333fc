package io.github.torrenthttpbridge.torrent;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hashes the files of a {@link FileLayout} in one pass: the calling thread reads every file once, in order, into
 * piece buffers (pad files are zeros); {@code threads} workers compute each piece's SHA-1 (v1) and, for hybrid and
 * v2, the SHA-256 of its 16 KiB blocks and the piece's merkle subtree root (BEP 52). Memory is bounded by
 * {@code 2 x threads + 2} piece buffers plus 32 bytes per piece.
 */
final class LayoutHasher {
    private static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;

    /**
     * What hashing found, indexed like {@link FileLayout#entries()}.
     *
     * @param pieces      concatenated SHA-1 piece hashes, or null for v2
     * @param roots       each file's {@code pieces root} (null for pads, empty files, and v1)
     * @param pieceLayers each file's piece layer (null unless the file is longer than one piece and v2 is on)
     */
    record Hashes(byte[] pieces, byte[][] roots, byte[][] pieceLayers) {
    }

    private final FileLayout layout;
    private final int pieceLength;
    private final int blocksPerPiece;
    private final byte[] pieces;
    private final byte[][] roots;
    private final byte[][] layers;

    private LayoutHasher(FileLayout layout) {
        this.layout = layout;
        this.pieceLength = layout.pieceLength();
        this.blocksPerPiece = pieceLength / Merkle.BLOCK;
        this.pieces = layout.version().hasV1() ? new byte[layout.pieceCount() * 20] : null;
        int n = layout.entries().size();
        this.roots = new byte[n][];
        this.layers = new byte[n][];
        if (layout.version().hasV2()) {
            for (int i = 0; i < n; i++) {
                FileLayout.Entry e = layout.entries().get(i);
                if (!e.pad() && e.length() > pieceLength) {
                    layers[i] = new byte[(int) PieceSize.pieceCount(e.length(), pieceLength) * Merkle.HASH];
                }
            }
        }
    }

    /** Reads every file of {@code layout} through {@code opener} once and hashes it on {@code threads} threads. */
    static Hashes hash(FileLayout layout, FileOpener opener, int threads, ProgressListener listener)
            throws IOException {
        LayoutHasher h = new LayoutHasher(layout);
        h.run(opener, Math.max(1, threads), listener);
        return new Hashes(h.pieces, h.roots, h.layers);
    }

    private void run(FileOpener opener, int workers, ProgressListener listener) throws IOException {
        int buffers = 2 * workers + 2;
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(buffers);
        int allocated = 0;
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "torrent-hasher-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> pending = new ArrayList<>();
        long total = layout.dataLength();
        long start = System.nanoTime();
        long lastReport = start;
        long done = 0;
        long pos = 0;
        byte[] buf = null;
        int fill = 0;
        int owner = -1;
        try {
            List<FileLayout.Entry> entries = layout.entries();
            for (int idx = 0; idx < entries.size(); idx++) {
                FileLayout.Entry e = entries.get(idx);
                if (e.length() == 0) {
                    continue;
                }
                if (e.offset() > pos) {
                    // v2 without pad entries: the last piece of the previous file ends early
                    if (buf != null) {
                        pending.add(submit(pool, free, buf, fill, (int) ((pos - 1) / pieceLength), owner));
                        buf = null;
                    }
                    pos = e.offset();
                }
                try (InputStream in = e.pad() ? null : open(opener, e)) {
                    long remaining = e.length();
                    while (remaining > 0) {
                        if (buf == null) {
                            buf = free.poll();
                            if (buf == null) {
                                if (allocated < buffers) {
                                    allocated++;
                                    buf = new byte[pieceLength];
                                } else {
                                    buf = free.take();
                                }
                            }
                            fill = 0;
                            owner = e.pad() || !layout.version().hasV2() ? -1 : idx;
                        }
                        int n = (int) Math.min(pieceLength - fill, remaining);
                        if (in == null) {
                            Arrays.fill(buf, fill, fill + n, (byte) 0);
                        } else {
                            int got = in.readNBytes(buf, fill, n);
                            if (got < n) {
                                throw new IOException(name(e) + " ended after " + (e.length() - remaining + got)
                                        + " bytes, expected " + e.length() + " (did it change while it was hashed?)");
                            }
                            done += n;
                        }
                        fill += n;
                        pos += n;
                        remaining -= n;
                        if (fill == pieceLength || pos == layout.totalLength()) {
                            pending.add(submit(pool, free, buf, fill, (int) ((pos - 1) / pieceLength), owner));
                            buf = null;
                            if (pending.size() > buffers * 4) {
                                drainCompleted(pending);
                            }
                        }
                        long now = System.nanoTime();
                        if (now - lastReport >= PROGRESS_INTERVAL_NANOS) {
                            lastReport = now;
                            listener.onProgress(new HashProgress(done, total, done / ((now - start) / 1e9)));
                        }
                    }
                    if (in != null && in.read() >= 0) {
                        throw new IOException(name(e) + " holds more than the expected " + e.length()
                                + " bytes (did it change while it was hashed?)");
                    }
                }
            }
            if (buf != null) {
                pending.add(submit(pool, free, buf, fill, (int) ((pos - 1) / pieceLength), owner));
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while hashing", ex);
        } catch (ExecutionException ex) {
            throw new IOException("hashing failed", ex.getCause());
        } finally {
            pool.shutdownNow();
        }
        finishRoots();
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        listener.onProgress(new HashProgress(total, total, total / seconds));
    }

    private Future<?> submit(ExecutorService pool, BlockingQueue<byte[]> free, byte[] data, int size, int piece,
                             int owner) {
        return pool.submit(() -> {
            try {
                if (pieces != null) {
                    MessageDigest sha1 = Digests.sha1();
                    sha1.update(data, 0, size);
                    System.arraycopy(sha1.digest(), 0, pieces, piece * 20, 20);
                }
                if (owner >= 0) {
                    hashV2(data, piece, owner);
                }
            } finally {
                free.offer(data);
            }
        });
    }

    /** The merkle part of one piece of file {@code owner}, which starts on a piece boundary. */
    private void hashV2(byte[] data, int piece, int owner) {
        FileLayout.Entry e = layout.entries().get(owner);
        long first = e.offset() / pieceLength;
        int k = (int) (piece - first);
        int len = (int) Math.min(pieceLength, e.length() - (long) k * pieceLength);
        byte[] leaves = Merkle.leafLayer(data, 0, len);
        if (layers[owner] != null) {
            byte[] subtree = Merkle.root(leaves, blocksPerPiece, 0);
            System.arraycopy(subtree, 0, layers[owner], k * Merkle.HASH, Merkle.HASH);
        } else {
            roots[owner] = Merkle.root(leaves, Merkle.leafCount(Merkle.blocks(len)), 0);
        }
    }

    /** Roots of the files longer than a piece: their piece layers padded with all-zero piece subtrees. */
    private void finishRoots() {
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] != null) {
                long n = layers[i].length / Merkle.HASH;
                roots[i] = Merkle.root(layers[i], Merkle.leafCount(n), Merkle.log2(blocksPerPiece));
            }
        }
    }

    private static InputStream open(FileOpener opener, FileLayout.Entry e) throws IOException {
        InputStream in = opener.open(e.source());
        if (in == null) {
            throw new IOException("the opener returned no stream for " + name(e));
        }
        return in;
    }

    private static String name(FileLayout.Entry e) {
        return "the file " + String.join("/", e.path());
    }

    private static void drainCompleted(List<Future<?>> pending) throws ExecutionException, InterruptedException {
        var it = pending.iterator();
        while (it.hasNext()) {
            Future<?> f = it.next();
            if (f.isDone()) {
                f.get();
                it.remove();
            }
        }
    }
}
