package io.github.torrenthttpbridge.torrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import org.junit.jupiter.api.Test;

/** Torrents made by libtorrent 2.0.8 (see src/test/resources/torrents/README.md): parsed, hashed and verified. */
class MetadataFixturesTest {
    private static final Map<String, Integer> SET = new LinkedHashMap<>();

    static {
        SET.put("a.bin", 40_000);
        SET.put("c.bin", 70_000);
        SET.put("e.empty", 0);
        SET.put("sub/b.txt", 5);
        SET.put("sub/deep/d.bin", 16_384);
    }

    private static void allPiecesVerify(TorrentMetadata t, byte[] space) {
        PieceVerifier v = new PieceVerifier(t);
        for (int i = 0; i < t.pieceCount(); i++) {
            int off = (int) t.pieceOffset(i);
            int size = t.pieceSize(i);
            assertTrue(v.verify(i, space, off, size), "piece " + i + " of " + t);
            byte[] copy = java.util.Arrays.copyOfRange(space, off, off + size);
            copy[copy.length - 1] ^= 1;  // the last byte: file data or the zeros past a file's end
            assertFalse(v.verify(i, copy, 0, size), "flipped piece " + i + " of " + t);
            assertFalse(v.verify(i, space, off, size - 1), "short piece " + i);
        }
    }

    @Test
    void singleFileHybrid() throws Exception {
        TorrentMetadata t = TorrentMetadata.parse(Fixtures.resource("single-hybrid.torrent"));
        String[] h = Fixtures.hashes("single-hybrid");
        assertEquals(h[0], t.infoHash().hex());
        assertEquals(h[1], HexFormat.of().formatHex(t.v2InfoHash().orElseThrow()));
        assertTrue(t.hasV1() && t.hasV2() && !t.isMultiFile());
        assertEquals(102_403, t.length());
        assertEquals(4, t.pieceCount());
        assertEquals(List.of(t.infoHash(), InfoHash.fromHex(h[1].substring(0, 40))), t.swarmHashes());
        assertEquals(1, t.pieceLayers().size());
        assertTrue(t.magnetLink().startsWith("magnet:?xt=urn:btih:" + h[0] + "&xt=urn:btmh:1220" + h[1] + "&dn=one.bin"));
        allPiecesVerify(t, Fixtures.content("one.bin", 102_403));
    }

    @Test
    void singleFileV2OnlyIsVerifiedByItsMerkleTree() throws Exception {
        TorrentMetadata t = TorrentMetadata.parse(Fixtures.resource("single-v2.torrent"));
        String[] h = Fixtures.hashes("single-v2");
        assertFalse(t.hasV1());
        assertEquals(h[1].substring(0, 40), t.infoHash().hex());
        assertEquals(List.of(t.infoHash()), t.swarmHashes());
        assertEquals(4 * 32768, t.length(), "the last piece is padded to its full size, as libtorrent does");
        assertTrue(t.magnetLink().startsWith("magnet:?xt=urn:btmh:1220" + h[1] + "&dn="));
        byte[] space = new byte[(int) t.length()];
        System.arraycopy(Fixtures.content("one.bin", 102_403), 0, space, 0, 102_403);
        allPiecesVerify(t, space);
    }

    @Test
    void directoryTorrentsInAllThreeVersions() throws Exception {
        for (String kind : List.of("v1", "hybrid", "v2")) {
            TorrentMetadata t = TorrentMetadata.parse(Fixtures.resource("set-" + kind + ".torrent"));
            String[] h = Fixtures.hashes("set-" + kind);
            assertTrue(t.isMultiFile(), kind);
            assertEquals("set", t.name());
            if (!kind.equals("v2")) {
                assertEquals(h[0], t.infoHash().hex(), kind);
            }
            if (!kind.equals("v1")) {
                assertEquals(h[1], HexFormat.of().formatHex(t.v2InfoHash().orElseThrow()), kind);
            }
            Map<String, Long> files = new LinkedHashMap<>();
            for (TorrentFile f : t.files()) {
                if (!f.pad()) {
                    files.put(String.join("/", f.path()), f.length());
                    assertEquals(kind.equals("v1") || f.length() == 0, f.piecesRoot() == null, kind + " " + f);
                    if (!kind.equals("v1") && f.length() > 0) {
                        assertEquals(0, f.offset() % t.pieceLength(), "v2 files start on a piece: " + f);
                    }
                }
            }
            assertEquals(SET.keySet().stream().sorted().toList(), files.keySet().stream().sorted().toList(), kind);
            SET.forEach((p, n) -> assertEquals((long) n, files.get(p), p));
            assertEquals(SET.values().stream().mapToLong(Integer::longValue).sum(), t.contentLength());
            allPiecesVerify(t, Fixtures.pieceSpace(t, ""));
        }
    }

    @Test
    void aPieceLayerThatDoesNotHashToItsRootIsRefused() throws Exception {
        byte[] bytes = Fixtures.resource("single-hybrid.torrent");
        SortedMap<String, Object> root = Bencode.decodeDictionary(bytes).dictionary();
        Map<String, Object> copy = new LinkedHashMap<>(root);
        Map<String, Object> layers = new LinkedHashMap<>();
        ((Map<?, ?>) root.get("piece layers")).forEach((k, v) -> {
            byte[] layer = ((byte[]) v).clone();
            layer[5] ^= 1;
            layers.put((String) k, layer);
        });
        copy.put("piece layers", layers);
        copy.put("info", new Bencode.Raw(TorrentMetadata.parse(bytes).infoBytes()));
        var e = assertThrows(InvalidTorrentException.class, () -> TorrentMetadata.parse(Bencode.encode(copy)));
        assertTrue(e.getMessage().contains("does not hash to its 'pieces root'"), e.getMessage());
        // a hybrid without layers still loads (v1 verifies it); a v2-only one cannot be verified without them
        copy.remove("piece layers");
        assertTrue(TorrentMetadata.parse(Bencode.encode(copy)).pieceLayers().isEmpty());
        Map<String, Object> v2 = new LinkedHashMap<>(Bencode.decodeDictionary(Fixtures.resource("single-v2.torrent")).dictionary());
        v2.put("info", new Bencode.Raw(TorrentMetadata.parse(Fixtures.resource("single-v2.torrent")).infoBytes()));
        v2.remove("piece layers");
        var e2 = assertThrows(InvalidTorrentException.class, () -> TorrentMetadata.parse(Bencode.encode(v2)));
        assertTrue(e2.getMessage().contains("cannot be verified"), e2.getMessage());
    }

    @Test
    void aHybridWhoseHalvesDisagreeIsRefused() throws Exception {
        byte[] bytes = Fixtures.resource("set-hybrid.torrent");
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        // the v1 list says c.bin has 70001 bytes... keep the bencoding valid by changing one digit of its length
        String changed = text.replaceFirst("6:lengthi70000e4:pathl5:c.bin", "6:lengthi70001e4:pathl5:c.bin");
        assertFalse(changed.equals(text), "fixture layout changed");
        var e = assertThrows(InvalidTorrentException.class,
                () -> TorrentMetadata.parse(changed.getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(e.getMessage().contains("hybrid"), e.getMessage());
    }
}
