package io.github.torrenthttpbridge.torrent;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Multi-file, hybrid and v2 creation in memory; the byte-for-byte comparison with libtorrent is CreatorInteropIT. */
class MultiFileCreatorTest {
    private static final int P = 32 * 1024;
    private final Map<String, byte[]> data = new HashMap<>();
    private final List<InputFile> files = new ArrayList<>();
    private final List<String> opened = new ArrayList<>();

    MultiFileCreatorTest() {
        add("docs/readme.txt", 1);
        add("empty", 0);
        add("big.bin", 3L * P + 1234);
        add("sub/ü/exact", P);
        add("sub/ü/minus", P - 1);
    }

    private void add(String path, long length) {
        byte[] b = new byte[(int) length];
        new Random(path.hashCode()).nextBytes(b);
        data.put(path, b);
        files.add(InputFile.of(path, length));
    }

    private InputStream open(InputFile f) {
        String key = String.join("/", f.path());
        opened.add(key);
        return new ByteArrayInputStream(data.get(key));
    }

    private TorrentCreator.Options options(TorrentVersion v, int threads) {
        return TorrentCreator.Options.defaults().withPieceSize(P).withVersion(v).withThreads(threads);
    }

    @Test
    void hybridHashesMatchIndependentComputations() throws Exception {
        TorrentMetadata t = TorrentCreator.create("set", files, this::open, options(TorrentVersion.HYBRID, 3),
                ProgressListener.NONE);
        assertTrue(t.hasV1() && t.hasV2() && t.isMultiFile());
        assertEquals("set", t.name());
        // every non-empty file opened once, in the torrent's order
        assertEquals(List.of("big.bin", "docs/readme.txt", "sub/ü/exact", "sub/ü/minus"), opened);

        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (TorrentFile f : t.files()) {
            stream.writeBytes(f.pad() ? new byte[(int) f.length()] : data.get(String.join("/", f.path())));
            if (!f.pad()) {
                byte[] content = data.get(String.join("/", f.path()));
                assertEquals(content.length, f.length());
                assertEquals(0, f.offset() % P, f + " starts on a piece");
                if (content.length == 0) {
                    assertNull(f.piecesRoot());
                } else {
                    assertArrayEquals(Merkle.rootOfData(content, 0, content.length,
                            Merkle.leafCount(Merkle.blocks(content.length))), f.piecesRoot(), "root of " + f);
                }
            }
        }
        byte[] all = stream.toByteArray();
        assertEquals(0, all.length % P, "a hybrid of several files ends with a pad");
        for (int i = 0; i < t.pieceCount(); i++) {
            byte[] piece = Arrays.copyOfRange(all, i * P, Math.min(all.length, (i + 1) * P));
            assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(piece), t.pieceHash(i), "piece " + i);
        }
        int big = indexOf(t, "big.bin");
        assertEquals(4 * 32, t.pieceLayer(big).orElseThrow().length);
        assertFalse(t.pieceLayer(indexOf(t, "sub/ü/exact")).isPresent(), "a file of one piece has no layer");
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(t.infoBytes()), t.v2InfoHash().orElseThrow());
    }

    private static int indexOf(TorrentMetadata t, String path) {
        for (int i = 0; i < t.files().size(); i++) {
            if (String.join("/", t.files().get(i).path()).equals(path)) {
                return i;
            }
        }
        throw new AssertionError(path + " not in " + t.files());
    }

    @Test
    void theResultDoesNotDependOnThreadsOrInputOrder() throws Exception {
        for (TorrentVersion v : TorrentVersion.values()) {
            byte[] one = TorrentCreator.create("set", files, this::open, options(v, 1), ProgressListener.NONE)
                    .encoded();
            List<InputFile> reversed = new ArrayList<>(files);
            java.util.Collections.reverse(reversed);
            byte[] four = TorrentCreator.create("set", reversed, this::open, options(v, 4), ProgressListener.NONE)
                    .encoded();
            assertArrayEquals(one, four, v.label());
        }
    }

    @Test
    void v1HasNoV2PartsAndV2NoPieces() throws Exception {
        TorrentMetadata v1 = TorrentCreator.create("set", files, this::open, options(TorrentVersion.V1, 2),
                ProgressListener.NONE);
        assertTrue(v1.hasV1());
        assertFalse(v1.hasV2());
        assertTrue(v1.files().stream().noneMatch(TorrentFile::pad));
        TorrentMetadata v2 = TorrentCreator.create("set", files, this::open, options(TorrentVersion.V2, 2),
                ProgressListener.NONE);
        assertFalse(v2.hasV1());
        assertTrue(v2.hasV2());
    }

    @Test
    void aFileThatIsShorterOrLongerThanAnnouncedFailsCreation() {
        for (int delta : new int[] {-1, 1}) {
            FileOpener lying = f -> {
                byte[] b = data.get(String.join("/", f.path()));
                return new ByteArrayInputStream(Arrays.copyOf(b, f.path().get(0).equals("big.bin") ? b.length + delta
                        : b.length));
            };
            IOException e = assertThrows(IOException.class, () -> TorrentCreator.create("set", files, lying,
                    options(TorrentVersion.HYBRID, 2), ProgressListener.NONE));
            assertTrue(e.getMessage().contains("big.bin"), e.getMessage());
        }
    }

    @Test
    void anOpenerWithoutAStreamFailsCreationInsteadOfHashingZeros() {
        IOException e = assertThrows(IOException.class, () -> TorrentCreator.create("set", files,
                f -> f.path().get(0).equals("docs") ? null : open(f), options(TorrentVersion.HYBRID, 2),
                ProgressListener.NONE));
        assertTrue(e.getMessage().contains("docs/readme.txt"), e.getMessage());
    }

    @Test
    void everyStreamIsClosedAndTheCallersSingleStreamIsNot() throws Exception {
        List<AtomicBoolean> closed = new ArrayList<>();
        TorrentCreator.create("set", files, f -> {
            AtomicBoolean c = new AtomicBoolean();
            closed.add(c);
            return new FilterInputStream(open(f)) {
                @Override
                public void close() {
                    c.set(true);
                }
            };
        }, options(TorrentVersion.HYBRID, 2), ProgressListener.NONE);
        assertEquals(4, closed.size());
        assertTrue(closed.stream().allMatch(AtomicBoolean::get));

        AtomicBoolean callerClosed = new AtomicBoolean();
        byte[] b = data.get("big.bin");
        TorrentMetadata single = TorrentCreator.create(new FilterInputStream(new ByteArrayInputStream(b)) {
            @Override
            public void close() {
                callerClosed.set(true);
            }
        }, b.length, "big.bin", options(TorrentVersion.V2, 2), ProgressListener.NONE);
        assertFalse(callerClosed.get());
        assertFalse(single.isMultiFile());
        assertEquals(List.of("big.bin"), single.files().get(0).path());
    }

    @Test
    void progressCountsFileBytesNotPads() throws Exception {
        List<HashProgress> seen = new ArrayList<>();
        TorrentCreator.create("set", files, this::open, options(TorrentVersion.HYBRID, 2), seen::add);
        long total = files.stream().mapToLong(InputFile::length).sum();
        HashProgress last = seen.get(seen.size() - 1);
        assertEquals(total, last.bytesTotal());
        assertTrue(last.isDone());
    }

    @Test
    void optionsCheckTheVersion() {
        assertEquals(TorrentVersion.V1, TorrentCreator.Options.defaults().version());
        assertEquals(TorrentVersion.V1, new TorrentCreator.Options(0, List.of(), List.of(), 1).version());
        assertEquals(TorrentVersion.V2, TorrentCreator.Options.defaults().withVersion(TorrentVersion.V2).version());
        assertThrows(NullPointerException.class, () -> TorrentCreator.Options.defaults().withVersion(null));
    }
}
