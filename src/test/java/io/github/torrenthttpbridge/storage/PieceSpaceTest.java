package io.github.torrenthttpbridge.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.torrenthttpbridge.torrent.Fixtures;
import io.github.torrenthttpbridge.torrent.PieceVerifier;
import io.github.torrenthttpbridge.torrent.TorrentFile;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;

class PieceSpaceTest {
    private static List<RangeSource> sources(TorrentMetadata t, AtomicLong fetched) {
        List<RangeSource> out = new ArrayList<>();
        for (TorrentFile f : PieceSpace.dataFiles(t)) {
            byte[] c = Fixtures.content(String.join("/", f.path()), (int) f.length());
            out.add((offset, length) -> {
                fetched.addAndGet(length);
                return CompletableFuture.completedFuture(Arrays.copyOfRange(c, (int) offset, (int) offset + length));
            });
        }
        return out;
    }

    @Test
    void rangesAcrossFilesAndPadsReadTheFilesAndZeros() throws Exception {
        for (String kind : List.of("v1", "hybrid", "v2")) {
            TorrentMetadata t = TorrentMetadata.parse(Fixtures.resource("set-" + kind + ".torrent"));
            byte[] expected = Fixtures.pieceSpace(t, "");
            AtomicLong fetched = new AtomicLong();
            PieceSpace space = new PieceSpace(t, sources(t, fetched));
            assertArrayEquals(expected, space.read(0, (int) t.length()).get(5, TimeUnit.SECONDS), kind);
            assertEquals(t.contentLength(), fetched.get(), "pads and gaps are never fetched: " + kind);
            assertEquals(t.contentLength(), space.fetchedBytes(0, (int) t.length()), kind);
            Random r = new Random(42);
            for (int i = 0; i < 200; i++) {
                int off = r.nextInt((int) t.length());
                int len = r.nextInt((int) t.length() - off + 1);
                assertArrayEquals(Arrays.copyOfRange(expected, off, off + len), space.read(off, len).get(5, TimeUnit.SECONDS));
            }
            PieceVerifier v = new PieceVerifier(t);
            for (int p = 0; p < t.pieceCount(); p++) {
                byte[] piece = space.read(t.pieceOffset(p), t.pieceSize(p)).get(5, TimeUnit.SECONDS);
                assertTrue(v.verify(p, piece, 0, piece.length), kind + " piece " + p);
            }
        }
    }

    @Test
    void oneFailingFileFailsTheReadAndAWrongCountIsRefused() throws Exception {
        TorrentMetadata t = TorrentMetadata.parse(Fixtures.resource("set-v1.torrent"));
        List<RangeSource> s = sources(t, new AtomicLong());
        s.set(1, (offset, length) -> CompletableFuture.failedFuture(new IllegalStateException("origin down")));
        PieceSpace space = new PieceSpace(t, s);
        var e = assertThrows(ExecutionException.class, () -> space.read(0, (int) t.length()).get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("origin down"));
        assertThrows(ExecutionException.class, () -> space.read(t.length() - 1, 2).get(5, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> new PieceSpace(t, s.subList(0, 2)));
    }
}
