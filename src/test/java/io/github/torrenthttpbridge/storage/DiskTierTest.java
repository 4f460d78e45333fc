package io.github.torrenthttpbridge.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.github.torrenthttpbridge.torrent.ProgressListener;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The disk tier: its cap, its start-up cleaning, its lock, and pieces verified again when read back. */
@Timeout(60)
class DiskTierTest {
    @TempDir
    Path dir;

    static long spanBytesOnDisk(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(".span")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static void awaitWrites(DiskTier d) throws InterruptedException {
        for (int i = 0; i < 400 && d.bytesWithReserved() != d.bytes(); i++) {
            Thread.sleep(10);
        }
        Thread.sleep(50);
    }

    @Test
    void neverMoreThanItsCap() throws Exception {
        long cap = 10L << 20;
        DiskTier d = new DiskTier(dir, cap, false);
        AtomicLong worst = new AtomicLong();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    worst.accumulateAndGet(spanBytesOnDisk(dir), Math::max);
                } catch (Exception ignored) {
                    // a file vanished while listed
                }
            }
        });
        watcher.start();
        Random r = new Random(1);
        // 60 spans of 0.5 to 1.5 MiB: several times the cap
        for (int i = 0; i < 60; i++) {
            int n = (512 << 10) + r.nextInt(1 << 20);
            d.put(new PieceCache.Key("ab", i), new byte[][] {new byte[n / 2], new byte[n - n / 2]}, n);
            assertTrue(d.bytesWithReserved() <= cap, "accounted " + d.bytesWithReserved());
            if (i % 10 == 9) {
                awaitWrites(d);
            }
        }
        awaitWrites(d);
        watcher.interrupt();
        watcher.join();
        assertTrue(worst.get() <= cap, "span files on disk reached " + worst.get() + " bytes, cap " + cap);
        assertTrue(worst.get() > cap / 2, "the tier was used: " + worst.get());
        assertEquals(spanBytesOnDisk(dir), d.bytes(), "its accounting matches the files");
        assertTrue(d.evictions.sum() > 0);
        // a span bigger than the whole tier is never written
        d.put(new PieceCache.Key("ab", 999), new byte[][] {new byte[(int) cap + 1]}, (int) cap + 1);
        awaitWrites(d);
        assertNull(d.get(new PieceCache.Key("ab", 999)).join());
        assertTrue(spanBytesOnDisk(dir) <= cap);
        d.close();
        assertEquals(0, spanBytesOnDisk(dir), "closing deletes the span files");
    }

    @Test
    void cleanedAtStartLockedForOneTierAndForeignFilesKept() throws Exception {
        Files.write(dir.resolve("abc-3.span"), new byte[1000]);
        Files.write(dir.resolve("abc-4.span.17.tmp"), new byte[10]);
        Files.write(dir.resolve("notes.txt"), new byte[5]);
        DiskTier d = new DiskTier(dir, 1 << 20, false);
        assertFalse(Files.exists(dir.resolve("abc-3.span")));
        assertFalse(Files.exists(dir.resolve("abc-4.span.17.tmp")));
        assertTrue(Files.exists(dir.resolve("notes.txt")), "files that are not span files are left alone");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> new DiskTier(dir, 1 << 20, false));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        d.close();
        new DiskTier(dir, 1 << 20, false).close();
    }

    @Test
    void cachesLeftByKilledBridgesAreRemovedButNotThoseInUse() throws Exception {
        Path abandoned = Files.createDirectories(dir.resolve("tbc-dead"));
        Files.write(abandoned.resolve(".lock"), new byte[0]);
        Files.write(abandoned.resolve("abc-1.span"), new byte[100]);
        Files.setLastModifiedTime(abandoned.resolve(".lock"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 120_000));
        Path starting = Files.createDirectories(dir.resolve("tbc-starting"));
        Files.write(starting.resolve(".lock"), new byte[0]);
        DiskTier live = new DiskTier(dir.resolve("tbc-live"), 1 << 20, true);
        Files.setLastModifiedTime(dir.resolve("tbc-live").resolve(".lock"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 120_000)); // old, but locked
        live.put(new PieceCache.Key("abc", 1), new byte[][] {new byte[100]}, 100);
        awaitWrites(live);
        Path other = Files.createDirectories(dir.resolve("tbc-not-ours"));
        Files.write(other.resolve("keep.txt"), new byte[1]);
        assertEquals(1, PieceCache.removeAbandonedDiskCaches(dir, "tbc-"));
        assertFalse(Files.exists(abandoned));
        assertTrue(Files.exists(dir.resolve("tbc-live").resolve("abc-1.span")), "a running bridge's cache stays");
        assertTrue(Files.exists(other.resolve("keep.txt")), "a directory without our lock file is not touched");
        assertTrue(Files.exists(starting.resolve(".lock")), "a fresh lock file may be a bridge starting: left alone");
        live.close();
        assertFalse(Files.exists(dir.resolve("tbc-live")), "a temporary cache goes at close");
    }

    @Test
    void aRottenPieceOnDiskIsDroppedAndFetchedAgain() throws Exception {
        int pieceSize = 32 * 1024;
        byte[] data = new byte[16 * pieceSize];
        new Random(3).nextBytes(data);
        TorrentMetadata t = TorrentCreator.create(new ByteArrayInputStream(data), data.length, "f.bin",
                TorrentCreator.Options.defaults().withPieceSize(pieceSize), ProgressListener.NONE);
        AtomicInteger originReads = new AtomicInteger();
        RangeSource origin = (offset, length) -> {
            originReads.incrementAndGet();
            return CompletableFuture.completedFuture(Arrays.copyOfRange(data, (int) offset, (int) offset + length));
        };
        // no memory: every span is read back from disk once released
        try (PieceCache cache = new PieceCache(0, dir, 8L << 20, false)) {
            DiskTier disk = (DiskTier) cache.disk();
            VerifiedPieceSource source = new VerifiedPieceSource(t, origin, cache, 4 * pieceSize, e -> { });
            assertArrayEquals(piece(data, 5, pieceSize), read(source, 5));
            assertEquals(1, originReads.get());
            awaitWrites(disk);
            Path file = dir.resolve(t.infoHash().hex() + "-1.span");
            assertTrue(Files.exists(file), "span 1 (pieces 4-7) was written to disk");
            assertArrayEquals(piece(data, 6, pieceSize), read(source, 6));
            assertEquals(1, originReads.get(), "read back from disk, not the origin");
            assertEquals(1, source.stats().diskHits());
            // the disk rots: one byte of piece 7 flips
            byte[] onDisk = Files.readAllBytes(file);
            onDisk[3 * pieceSize + 100] ^= 0x40;
            Files.write(file, onDisk);
            assertArrayEquals(piece(data, 7, pieceSize), read(source, 7), "the caller gets the right bytes");
            assertEquals(2, originReads.get(), "the span was fetched again");
            assertEquals(1, source.stats().diskFailures());
            assertEquals(0, source.stats().verificationFailures(), "a rotten disk is not a changed origin");
            assertFalse(source.isStale());
            awaitWrites(disk);
            assertArrayEquals(Arrays.copyOfRange(data, 4 * pieceSize, 8 * pieceSize), Files.readAllBytes(file),
                    "the span file was replaced by good bytes");
            assertArrayEquals(piece(data, 4, pieceSize), read(source, 4));
            assertEquals(2, originReads.get());
            // a truncated file is caught too
            Files.write(file, Arrays.copyOf(onDisk, 1000));
            assertArrayEquals(piece(data, 5, pieceSize), read(source, 5));
            assertEquals(3, originReads.get());
            assertEquals(2, source.stats().diskFailures());
            assertEquals(0, cache.counters().claims());
            assertEquals(0, cache.counters().pendingLoads());
        }
    }

    static byte[] piece(byte[] data, int i, int size) {
        return Arrays.copyOfRange(data, i * size, (i + 1) * size);
    }

    static byte[] read(VerifiedPieceSource s, int index) {
        try {
            ByteBuffer b = s.piece(index).join();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } finally {
            s.release(index);
        }
    }
}
