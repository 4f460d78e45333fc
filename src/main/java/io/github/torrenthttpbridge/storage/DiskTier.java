package io.github.torrenthttpbridge.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spans kept in files of one directory, least recently used dropped first, never more than {@code maxBytes} of
 * them (space is reserved before a file is written). The directory is locked for this tier alone and cleared of
 * span files at start (their pieces would have to be checked again anyway); files are written under a temporary
 * name and renamed, so a span file is always whole. Writes run on the tier's own threads; when they fall behind by
 * more than {@link #MAX_PENDING_WRITE_BYTES}, new spans are not written (they can still be fetched again).
 */
final class DiskTier implements SpanTier {
    private static final Logger LOG = LoggerFactory.getLogger(DiskTier.class);
    private static final Pattern OURS = Pattern.compile("[0-9A-Za-z]{1,64}-\\d{1,10}\\.span(\\.\\d{1,19}\\.tmp)?");
    private static final Pattern TORRENT = Pattern.compile("[0-9A-Za-z]{1,64}");
    static final long MAX_PENDING_WRITE_BYTES = 32L << 20;

    private final Path dir;
    private final long maxBytes;
    private final boolean deleteDirOnClose;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ThreadPoolExecutor io;
    /** Writes have their own thread, so reads (and their verification) never hold them back. */
    private final ThreadPoolExecutor writer;
    /** Span files on disk (whole), in access order: the eldest is dropped first. Guarded by {@code this}. */
    private final LinkedHashMap<PieceCache.Key, Integer> files = new LinkedHashMap<>(64, 0.75f, true);
    private long used;
    private long reserved;
    /** Spans being written: served from here until their file is in place. */
    private final Map<PieceCache.Key, byte[][]> writing = new ConcurrentHashMap<>();
    private final AtomicLong pendingWriteBytes = new AtomicLong();
    private final AtomicLong tmpCounter = new AtomicLong();
    final LongAdder writes = new LongAdder();
    final LongAdder writesSkipped = new LongAdder();
    final LongAdder writeFailures = new LongAdder();
    final LongAdder evictions = new LongAdder();
    private volatile boolean closed;

    /**
     * @param deleteDirOnClose whether the directory itself goes at close (a temporary one the bridge made)
     * @throws UncheckedIOException when the directory cannot be made or another tier (in any process) uses it
     */
    DiskTier(Path dir, long maxBytes, boolean deleteDirOnClose) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("a disk tier needs a positive size, got " + maxBytes);
        }
        this.dir = dir.toAbsolutePath();
        this.maxBytes = maxBytes;
        this.deleteDirOnClose = deleteDirOnClose;
        try {
            Files.createDirectories(this.dir);
            lockChannel = FileChannel.open(this.dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                lockChannel.close();
                throw new IOException("the disk cache directory " + this.dir + " is in use by another bridge");
            }
            lock = l;
            int removed = clean();
            if (removed > 0) {
                LOG.info("disk cache {}: removed {} span files left from an earlier run", this.dir, removed);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + this.dir + " as the disk cache: " + e.getMessage(), e);
        }
        io = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096), r -> {
            Thread t = new Thread(r, "piece-disk");
            t.setDaemon(true);
            return t;
        });
        io.allowCoreThreadTimeOut(true);
        writer = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096), r -> {
            Thread t = new Thread(r, "piece-disk-writer");
            t.setDaemon(true);
            return t;
        });
        writer.allowCoreThreadTimeOut(true);
    }

    Path directory() {
        return dir;
    }

    /**
     * Removes temporary disk-cache directories ({@code parent/prefix*}) that no running bridge holds (one whose
     * process died before it could remove its own): their span files, their lock file, then the directory if it is
     * empty. Returns how many were removed.
     */
    static int removeAbandoned(Path parent, String prefix) {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, prefix + "*")) {
            for (Path d : ds) {
                // a lock file younger than a minute may belong to a bridge starting right now, before it locks
                if (!Files.isDirectory(d) || !Files.exists(d.resolve(".lock")) || System.currentTimeMillis()
                        - Files.getLastModifiedTime(d.resolve(".lock")).toMillis() < 60_000) {
                    continue;
                }
                try (FileChannel ch = FileChannel.open(d.resolve(".lock"), StandardOpenOption.WRITE)) {
                    FileLock l;
                    try {
                        l = ch.tryLock();
                    } catch (OverlappingFileLockException e) {
                        l = null;
                    }
                    if (l == null) {
                        continue; // in use
                    }
                    try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
                        for (Path f : files) {
                            if (OURS.matcher(f.getFileName().toString()).matches()) {
                                Files.deleteIfExists(f);
                            }
                        }
                    }
                    l.release();
                }
                Files.deleteIfExists(d.resolve(".lock"));
                try {
                    Files.deleteIfExists(d);
                    n++;
                } catch (IOException e) {
                    LOG.debug("left {}: not empty", d);
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot look for abandoned disk caches in {}: {}", parent, e.toString());
        }
        if (n > 0) {
            LOG.info("removed {} disk cache directories left by bridges that did not stop cleanly", n);
        }
        return n;
    }

    private int clean() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (OURS.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                    n++;
                }
            }
        }
        return n;
    }

    private Path file(PieceCache.Key key) {
        return dir.resolve(key.torrent() + "-" + key.span() + ".span");
    }

    @Override
    public CompletableFuture<byte[]> get(PieceCache.Key key) {
        try {
            return CompletableFuture.supplyAsync(() -> read(key), io).exceptionally(e -> null);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** The bytes of span {@code key}'s file, or null. */
    byte[] read(PieceCache.Key key) {
        byte[][] pending = writing.get(key);
        if (pending != null) {
            return concat(pending);
        }
        synchronized (this) {
            if (files.get(key) == null) {
                return null;
            }
        }
        try {
            return Files.readAllBytes(file(key));
        } catch (NoSuchFileException e) {
            forget(key);
            return null;
        } catch (IOException e) {
            LOG.warn("cannot read span file {}: {}", file(key), e.toString());
            remove(key);
            return null;
        }
    }

    private static byte[] concat(byte[][] pieces) {
        int n = 0;
        for (byte[] p : pieces) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : pieces) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    @Override
    public void put(PieceCache.Key key, byte[][] pieces, int bytes) {
        if (closed || bytes > maxBytes || !TORRENT.matcher(key.torrent()).matches()) {
            writesSkipped.increment();
            return;
        }
        synchronized (this) {
            if (files.containsKey(key) || writing.containsKey(key)) {
                return;
            }
        }
        if (pendingWriteBytes.addAndGet(bytes) > MAX_PENDING_WRITE_BYTES) {
            pendingWriteBytes.addAndGet(-bytes);
            writesSkipped.increment();
            return;
        }
        if (writing.putIfAbsent(key, pieces) != null) {
            pendingWriteBytes.addAndGet(-bytes);
            return;
        }
        try {
            writer.execute(() -> write(key, pieces, bytes));
        } catch (RejectedExecutionException e) {
            writing.remove(key);
            pendingWriteBytes.addAndGet(-bytes);
            writesSkipped.increment();
        }
    }

    private void write(PieceCache.Key key, byte[][] pieces, int bytes) {
        List<Path> dropped = new ArrayList<>();
        boolean room;
        synchronized (this) {
            room = !closed && makeRoom(bytes, dropped);
            if (room) {
                reserved += bytes;
            }
        }
        dropped.forEach(DiskTier::deleteQuietly);
        if (!room) {
            writing.remove(key);
            pendingWriteBytes.addAndGet(-bytes);
            writesSkipped.increment();
            return;
        }
        Path target = file(key);
        Path tmp = dir.resolve(target.getFileName() + "." + tmpCounter.incrementAndGet() + ".tmp");
        boolean ok = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer[] bufs = new ByteBuffer[pieces.length];
                for (int i = 0; i < pieces.length; i++) {
                    bufs[i] = ByteBuffer.wrap(pieces[i]);
                }
                long left = bytes;
                while (left > 0) {
                    left -= ch.write(bufs);
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            ok = true;
        } catch (IOException | RuntimeException e) {
            writeFailures.increment();
            LOG.warn("cannot write span file {}: {}", target, e.toString());
            deleteQuietly(tmp);
        }
        boolean keep;
        synchronized (this) {
            reserved -= bytes;
            // dropped while being written (its torrent removed, or the tier closed): the file goes too
            keep = ok && !closed && writing.remove(key, pieces);
            if (keep) {
                files.put(key, bytes);
                used += bytes;
            }
        }
        if (!keep) {
            writing.remove(key, pieces);
            if (ok) {
                deleteQuietly(target);
            }
        } else {
            writes.increment();
        }
        pendingWriteBytes.addAndGet(-bytes);
    }

    /** Drops the least recently used files until {@code bytes} more fit; false if they cannot. Holds the lock. */
    private boolean makeRoom(long bytes, List<Path> dropped) {
        Iterator<Map.Entry<PieceCache.Key, Integer>> it = files.entrySet().iterator();
        while (used + reserved + bytes > maxBytes && it.hasNext()) {
            Map.Entry<PieceCache.Key, Integer> e = it.next();
            it.remove();
            used -= e.getValue();
            dropped.add(file(e.getKey()));
            evictions.increment();
        }
        return used + reserved + bytes <= maxBytes;
    }

    private void forget(PieceCache.Key key) {
        synchronized (this) {
            Integer size = files.remove(key);
            if (size != null) {
                used -= size;
            }
        }
    }

    @Override
    public void remove(PieceCache.Key key) {
        writing.remove(key);
        boolean had;
        synchronized (this) {
            Integer size = files.remove(key);
            had = size != null;
            if (had) {
                used -= size;
            }
        }
        if (had) {
            deleteQuietly(file(key));
        }
    }

    @Override
    public void removeTorrent(String torrent) {
        writing.keySet().removeIf(k -> k.torrent().equals(torrent));
        List<Path> dropped = new ArrayList<>();
        synchronized (this) {
            Iterator<Map.Entry<PieceCache.Key, Integer>> it = files.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<PieceCache.Key, Integer> e = it.next();
                if (e.getKey().torrent().equals(torrent)) {
                    it.remove();
                    used -= e.getValue();
                    dropped.add(file(e.getKey()));
                }
            }
        }
        dropped.forEach(DiskTier::deleteQuietly);
    }

    @Override
    public synchronized long bytes() {
        return used;
    }

    /** Bytes on disk or reserved for files being written: never above {@link #maxBytes()}. */
    synchronized long bytesWithReserved() {
        return used + reserved;
    }

    synchronized int spans() {
        return files.size();
    }

    @Override
    public long maxBytes() {
        return maxBytes;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", p, e.toString());
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            files.clear();
            used = 0;
        }
        writing.clear();
        io.shutdown();
        writer.shutdown();
        try {
            io.awaitTermination(10, TimeUnit.SECONDS);
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            clean();
            lock.release();
            lockChannel.close();
            if (deleteDirOnClose) {
                Files.deleteIfExists(dir.resolve(".lock"));
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            LOG.warn("cannot clean the disk cache {} at close: {}", dir, e.toString());
        }
    }
}
