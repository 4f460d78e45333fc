package io.github.torrenthttpbridge.torrent;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** File order, pad files and path checks (the orders below were read from mktorrent 1.1 and libtorrent 2.0.8). */
class FileLayoutTest {
    private static final int P = 16 * 1024;
    private static final List<String> NAMES = List.of("a0", "é", "a/y/z", "a b", "B/q/r", "a.b/c/d", "ab/k", "A",
            "a-b", "a/x", "Z", "a.b.txt", "b");

    private static List<String> order(TorrentVersion v) {
        return FileLayout.multi(NAMES.stream().map(n -> InputFile.of(n, 1)).toList(), v, P).entries().stream()
                .filter(e -> !e.pad()).map(e -> String.join("/", e.path())).toList();
    }

    @Test
    void v1SortsLikeMktorrentByWholePath() {
        assertEquals(List.of("A", "B/q/r", "Z", "a b", "a-b", "a.b.txt", "a.b/c/d", "a/x", "a/y/z", "a0", "ab/k",
                "b", "é"), order(TorrentVersion.V1));
    }

    @Test
    void hybridAndV2SortLikeLibtorrentElementByElement() {
        List<String> expected = List.of("A", "B/q/r", "Z", "a/x", "a/y/z", "a b", "a-b", "a.b/c/d", "a.b.txt", "a0",
                "ab/k", "b", "é");
        assertEquals(expected, order(TorrentVersion.HYBRID));
        assertEquals(expected, order(TorrentVersion.V2));
    }

    @Test
    void hybridPadsEveryFileToAPieceAndEndsWithAPad() {
        List<InputFile> in = List.of(InputFile.of("c", P + 1), InputFile.of("a", 5), InputFile.of("b", 0),
                InputFile.of("d", 2L * P));
        List<FileLayout.Entry> e = FileLayout.multi(in, TorrentVersion.HYBRID, P).entries();
        assertEquals(List.of("a", ".pad/16379", "b", "c", ".pad/16383", "d"),
                e.stream().map(x -> String.join("/", x.path())).toList());
        assertEquals(List.of(0L, 5L, (long) P, (long) P, 2L * P + 1, 3L * P),
                e.stream().map(FileLayout.Entry::offset).toList());
        assertTrue(e.get(1).pad());
        assertFalse(e.get(2).pad());

        List<FileLayout.Entry> tail = FileLayout.multi(List.of(InputFile.of("x", 0), InputFile.of("y", 7)),
                TorrentVersion.HYBRID, P).entries();
        assertEquals(".pad/16377", String.join("/", tail.get(2).path()));
        assertEquals(P, FileLayout.multi(List.of(InputFile.of("x", 0), InputFile.of("y", 7)),
                TorrentVersion.HYBRID, P).totalLength());
    }

    @Test
    void aHybridOfOneFileAndV1AndV2HaveNoPadEntries() {
        assertEquals(1, FileLayout.multi(List.of(InputFile.of("only", P + 3)), TorrentVersion.HYBRID, P)
                .entries().size());
        FileLayout v1 = FileLayout.multi(List.of(InputFile.of("a", 5), InputFile.of("b", 5)), TorrentVersion.V1, P);
        assertEquals(List.of(0L, 5L), v1.entries().stream().map(FileLayout.Entry::offset).toList());
        FileLayout v2 = FileLayout.multi(List.of(InputFile.of("a", 5), InputFile.of("b", 5)), TorrentVersion.V2, P);
        assertEquals(List.of(0L, (long) P), v2.entries().stream().map(FileLayout.Entry::offset).toList());
        assertTrue(v2.entries().stream().noneMatch(FileLayout.Entry::pad));
    }

    @Test
    void pathElementsAreSanitisedAndBadOnesRefused() {
        FileLayout l = FileLayout.multi(List.of(new InputFile(List.of("d\u0001ir", " a\\b "), 3)),
                TorrentVersion.V1, P);
        assertEquals(List.of("d_ir", "a_b"), l.entries().get(0).path());
        for (List<String> bad : List.of(List.of("..", "x"), List.of(".", "x"), List.of("a", ""), List.of(" "))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FileLayout.multi(List.of(new InputFile(bad, 1)), TorrentVersion.HYBRID, P));
            assertTrue(e.getMessage().contains("may not be empty"), e.getMessage());
        }
    }

    @Test
    void clashingPathsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> FileLayout.multi(
                List.of(new InputFile(List.of("a/b"), 1), new InputFile(List.of("a_b"), 1)), TorrentVersion.V1, P));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FileLayout.multi(
                List.of(InputFile.of("a", 1), InputFile.of("a/b", 1)), TorrentVersion.HYBRID, P));
        assertTrue(e.getMessage().contains("both a file and a directory"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FileLayout.multi(List.of(), TorrentVersion.V1, P));
        assertThrows(IllegalArgumentException.class, () -> FileLayout.multi(
                List.of(InputFile.of("a", 0), InputFile.of("b", 0)), TorrentVersion.V1, P));
        assertThrows(IllegalArgumentException.class, () -> InputFile.of("a", -1));
    }

    @Test
    void versionsParse() {
        assertEquals(TorrentVersion.V1, TorrentVersion.parse("v1"));
        assertEquals(TorrentVersion.HYBRID, TorrentVersion.parse(" Hybrid "));
        assertEquals(TorrentVersion.V2, TorrentVersion.parse("V2"));
        for (String bad : new String[] {"v3", "", "1", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorrentVersion.parse(bad));
            assertTrue(e.getMessage().contains("v1, hybrid or v2"), e.getMessage());
        }
    }
}
