package io.github.torrenthttpbridge.torrent;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Computes the SHA-1 of every piece of a stream in a pipeline: one thread reads pieces into a small pool of
 * buffers while {@code threads} workers hash earlier pieces, so reading and hashing overlap and every core is used.
 * Memory is bounded by {@code (2 x threads + 2)} piece buffers.
 */
public final class PieceHasher {
    private static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;

    private PieceHasher() {
    }

    /**
     * Hashes exactly {@code length} bytes of {@code in} in pieces of {@code pieceLength}.
     *
     * @return the concatenated 20-byte SHA-1 digests
     * @throws IOException if the stream fails, ends early, or holds more than {@code length} bytes
     */
    public static byte[] hash(InputStream in, long length, int pieceLength, int threads, ProgressListener listener)
            throws IOException {
        if (length <= 0) {
            throw new IllegalArgumentException("cannot hash an empty file");
        }
        if (pieceLength <= 0) {
            throw new IllegalArgumentException("piece length must be positive");
        }
        int workers = Math.max(1, threads);
        long count = PieceSize.pieceCount(length, pieceLength);
        if (count * 20 > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("too many pieces (" + count + "); choose a larger piece size");
        }
        byte[] digests = new byte[(int) (count * 20)];
        int buffers = 2 * workers + 2;
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(buffers);
        AtomicInteger allocated = new AtomicInteger();
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "piece-hasher-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> pending = new ArrayList<>();
        long start = System.nanoTime();
        long lastReport = start;
        long done = 0;
        try {
            for (int i = 0; i < count; i++) {
                int size = (int) Math.min(pieceLength, length - (long) i * pieceLength);
                byte[] buf = free.poll();
                if (buf == null) {
                    if (allocated.get() < buffers) {
                        allocated.incrementAndGet();
                        buf = new byte[pieceLength];
                    } else {
                        buf = free.take();
                    }
                }
                int n = in.readNBytes(buf, 0, size);
                if (n < size) {
                    throw new IOException("the stream ended after " + (done + n) + " bytes, expected " + length
                            + " (did the file change while it was hashed?)");
                }
                done += n;
                final int index = i;
                final byte[] data = buf;
                pending.add(pool.submit(() -> {
                    MessageDigest sha1 = sha1();
                    sha1.update(data, 0, size);
                    byte[] d = sha1.digest();
                    System.arraycopy(d, 0, digests, index * 20, 20);
                    free.offer(data);
                }));
                if (pending.size() > buffers * 4) {
                    drainCompleted(pending);
                }
                long now = System.nanoTime();
                if (now - lastReport >= PROGRESS_INTERVAL_NANOS) {
                    lastReport = now;
                    listener.onProgress(new HashProgress(done, length, done / ((now - start) / 1e9)));
                }
            }
            if (in.read() >= 0) {
                throw new IOException("the stream holds more than the expected " + length
                        + " bytes (did the file change while it was hashed?)");
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while hashing", e);
        } catch (ExecutionException e) {
            throw new IOException("hashing failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        listener.onProgress(new HashProgress(length, length, length / seconds));
        return digests;
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

    static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
    }
}
