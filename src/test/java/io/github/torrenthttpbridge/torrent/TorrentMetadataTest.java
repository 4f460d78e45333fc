package io.github.torrenthttpbridge.torrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TorrentMetadataTest {
    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static TorrentMetadata create(byte[] data, int pieceSize, TorrentCreator.Options o) throws IOException {
        return TorrentCreator.create(new ByteArrayInputStream(data), data.length, "file.bin", o.withPieceSize(pieceSize),
                ProgressListener.NONE);
    }

    @Test
    void creationIsDeterministic() throws Exception {
        byte[] data = random(1_000_003, 1);
        TorrentCreator.Options o = TorrentCreator.Options.defaults().withWebSeeds(List.of("http://h/file.bin"));
        TorrentMetadata a = create(data, 32768, o);
        TorrentMetadata b = create(data, 32768, o.withThreads(1));
        assertArrayEquals(a.encoded(), b.encoded());
        assertEquals(a.infoHash(), b.infoHash());
        assertNotEquals(a.infoHash(), create(data, 65536, o).infoHash());
        data[500_000] ^= 1;
        assertNotEquals(a.infoHash(), create(data, 32768, o).infoHash());
    }

    @Test
    void piecesAreTheSha1OfEachPiece() throws Exception {
        byte[] data = random(100_000, 2);
        TorrentMetadata t = create(data, 16384, TorrentCreator.Options.defaults());
        assertEquals(7, t.pieceCount());
        assertEquals(100_000 - 6 * 16384, t.pieceSize(6));
        for (int i = 0; i < t.pieceCount(); i++) {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(data, i * 16384, t.pieceSize(i));
            assertArrayEquals(sha1.digest(), t.pieceHash(i));
        }
        assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(t.infoBytes()), t.infoHash().bytes());
    }

    @Test
    void infoHoldsOnlyTheStandardKeys() throws Exception {
        TorrentMetadata t = create(random(50_000, 3), 16384,
                TorrentCreator.Options.defaults().withTrackers(List.of("http://t1/announce", "udp://t2:80")).withWebSeeds(List.of("http://h/f")));
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) Bencode.decode(t.infoBytes());
        assertEquals(List.of("length", "name", "piece length", "pieces"), List.copyOf(info.keySet()));
        assertEquals(List.of(List.of("http://t1/announce"), List.of("udp://t2:80")), t.trackerTiers());
        assertEquals(List.of("http://h/f"), t.webSeeds());
        String magnet = t.magnetLink();
        assertTrue(magnet.startsWith("magnet:?xt=urn:btih:" + t.infoHash().hex() + "&dn=file.bin&xl=50000&tr=http%3A%2F%2Ft1%2Fannounce"), magnet);
        assertTrue(magnet.contains("&ws=http%3A%2F%2Fh%2Ff"), magnet);
    }

    @Test
    void streamShorterOrLongerThanAnnouncedIsAnError() {
        byte[] data = random(40_000, 4);
        var shortErr = assertThrows(IOException.class, () -> TorrentCreator.create(new ByteArrayInputStream(data), 50_000,
                "f", TorrentCreator.Options.defaults(), ProgressListener.NONE));
        assertTrue(shortErr.getMessage().contains("ended after 40000 bytes"), shortErr.getMessage());
        assertThrows(IOException.class, () -> TorrentCreator.create(new ByteArrayInputStream(data), 30_000,
                "f", TorrentCreator.Options.defaults(), ProgressListener.NONE));
    }

    @Test
    void progressIsReportedToTheEnd() throws Exception {
        byte[] data = random(300_000, 5);
        List<HashProgress> seen = new java.util.ArrayList<>();
        TorrentCreator.create(new ByteArrayInputStream(data), data.length, "f", TorrentCreator.Options.defaults(), seen::add);
        HashProgress last = seen.get(seen.size() - 1);
        assertTrue(last.isDone());
        assertEquals(100.0, last.percent());
    }

    private static byte[] torrent(Map<String, Object> info) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("info", info);
        return Bencode.encode(root);
    }

    private static Map<String, Object> info(long length, long pieceLength, int hashes) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", "x");
        info.put("length", length);
        info.put("piece length", pieceLength);
        info.put("pieces", new byte[hashes * 20]);
        return info;
    }

    private static String error(byte[] torrent) {
        return assertThrows(InvalidTorrentException.class, () -> TorrentMetadata.parse(torrent)).getMessage();
    }

    @Test
    void invalidTorrentsGetClearErrors() {
        assertTrue(error(new byte[0]).contains("empty"));
        assertTrue(error("not a torrent".getBytes()).contains("not valid bencoding"));
        assertTrue(error(Bencode.encode(Map.of("announce", "x"))).contains("no 'info'"));
        assertTrue(error(torrent(info(100, 0, 1))).contains("piece length"));
        assertTrue(error(torrent(info(-5, 16384, 1))).contains("info.length"));
        assertTrue(error(torrent(info(100_000, 16384, 3))).contains("need 7 hashes"));
        assertTrue(error(torrent(info(1L << 60, 16384, 1))).contains("2^50"));
        Map<String, Object> multi = info(100, 16384, 1);
        multi.put("files", List.of());
        assertTrue(error(torrent(multi)).contains("'info.files' is not a non-empty list"));
        Map<String, Object> dots = info(100, 16384, 1);
        dots.remove("length");
        dots.put("files", List.of(Map.of("length", 100L, "path", List.of("..", "etc"))));
        assertTrue(error(torrent(dots)).contains("'..' is not allowed"));
        Map<String, Object> v3 = info(100, 16384, 1);
        v3.put("meta version", 3L);
        assertTrue(error(torrent(v3)).contains("only version 2"));
        Map<String, Object> noName = info(100, 16384, 1);
        noName.remove("name");
        assertTrue(error(torrent(noName)).contains("info.name"));
    }

    @Test
    void nameComesFromTheLastPathSegment() {
        assertEquals("my file.iso", TorrentCreator.nameFromUrl(URI.create("http://h/a/b/my%20file.iso?x=1")));
        assertEquals("download", TorrentCreator.nameFromUrl(URI.create("http://h/")));
        assertEquals("a_b", TorrentCreator.nameFromUrl(URI.create("http://h/a%2Fb")));
        assertEquals("download", TorrentCreator.nameFromUrl(URI.create("http://h/..")));
    }

    @org.junit.jupiter.api.Test
    void aTorrentAroundStoredInfoKeepsItsInfoHash() throws Exception {
        byte[] data = new byte[100_000];
        new java.util.Random(7).nextBytes(data);
        TorrentMetadata made = TorrentCreator.create(new java.io.ByteArrayInputStream(data), data.length, "x.bin",
                TorrentCreator.Options.defaults().withPieceSize(16384).withTrackers(java.util.List.of("http://a/announce")), p -> { });
        TorrentMetadata dressed = TorrentCreator.fromInfo(made.infoBytes(), TorrentCreator.Options.defaults()
                .withTrackers(java.util.List.of("http://b/announce", "udp://c:1/announce")).withWebSeeds(java.util.List.of("https://w/x.bin")));
        org.junit.jupiter.api.Assertions.assertEquals(made.infoHash(), dressed.infoHash());
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(java.util.List.of("http://b/announce"), java.util.List.of("udp://c:1/announce")),
                dressed.trackerTiers());
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of("https://w/x.bin"), dressed.webSeeds());
        // bytes that are more than one dictionary cannot smuggle keys into the torrent
        byte[] smuggled = (new String(made.infoBytes(), java.nio.charset.StandardCharsets.ISO_8859_1) + "8:url-list5:evil!")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        org.junit.jupiter.api.Assertions.assertThrows(InvalidTorrentException.class,
                () -> TorrentCreator.fromInfo(smuggled, TorrentCreator.Options.defaults()));
    }
}
