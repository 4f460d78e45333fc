package io.github.torrenthttpbridge.site;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.github.torrenthttpbridge.origin.OriginResource;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreTest {
    @TempDir
    Path dir;

    static TorrentMetadata torrent(String name, int size, List<String> trackers, List<String> webSeeds) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return TorrentCreator.create(new ByteArrayInputStream(data), size, name,
                TorrentCreator.Options.defaults().withPieceSize(16384).withTrackers(trackers).withWebSeeds(webSeeds), p -> { });
    }

    static OriginResource resource(long length) {
        return new OriginResource(URI.create("http://127.0.0.1:8080/files/a.bin"), length, "\"v1\"", null);
    }

    @Test
    void storesOnlyTheInfoAndDressesItWithCurrentUrls() throws Exception {
        TorrentMetadata made = torrent("a.bin", 100_000, List.of("http://old:8080/torrent-bridge/announce"), List.of("http://old:8080/files/a.bin"));
        String key = SiteProbe.key("/files/a.bin", resource(100_000));
        MetadataStore store = new MetadataStore(dir, 1 << 20);
        assertTrue(store.save(MetadataStore.Entry.of(key, "/files/a.bin", resource(100_000), made)));
        assertArrayEquals(made.infoBytes(), Files.readAllBytes(dir.resolve(key + ".info")));
        assertFalse(Files.exists(dir.resolve(key + ".torrent")));
        String props = Files.readString(dir.resolve(key + ".properties"));
        assertFalse(props.contains("old:8080"), "no URL is stored: " + props);

        MetadataStore.Entry loaded = new MetadataStore(dir, 1 << 20).load(key).orElseThrow();
        assertEquals("/files/a.bin", loaded.path());
        assertEquals(made.infoHash(), loaded.infoHash());
        TorrentMetadata now = loaded.torrent(List.of("http://new:18380/torrent-bridge/announce"), List.of("https://example.org/files/a.bin"));
        assertEquals(made.infoHash(), now.infoHash());
        assertEquals(List.of(List.of("http://new:18380/torrent-bridge/announce")), now.trackerTiers());
        assertEquals(List.of("https://example.org/files/a.bin"), now.webSeeds());
    }

    /** Release 0.1 kept whole torrents (KEY.torrent) with the URLs of the run that made them. */
    @Test
    void metadataOfTheOldReleaseStillLoadsAndIsConverted() throws Exception {
        TorrentMetadata old = torrent("a.bin", 70_000, List.of("http://127.0.0.1:8080/torrent-bridge/announce"),
                List.of("http://127.0.0.1:8080/files/a.bin"));
        String key = SiteProbe.key("/files/a.bin", resource(70_000));
        Files.write(dir.resolve(key + ".torrent"), old.encoded());
        Files.writeString(dir.resolve(key + ".properties"), "#torrent-http-bridge metadata\npath=/files/a.bin\nlength=70000\n"
                + "infohash=" + old.infoHash().hex() + "\netag=\"v1\"\n", StandardCharsets.ISO_8859_1);
        MetadataStore store = new MetadataStore(dir, 1 << 20);
        List<MetadataStore.Entry> all = store.loadAll();
        assertEquals(1, all.size());
        assertEquals(old.infoHash(), all.get(0).infoHash());
        assertEquals("a.bin", all.get(0).name());
        assertArrayEquals(old.infoBytes(), Files.readAllBytes(dir.resolve(key + ".info")), "converted to the info-only form");
        assertFalse(Files.exists(dir.resolve(key + ".torrent")));
        assertEquals(old.infoHash(), store.load(key).orElseThrow().infoHash());
    }

    @Test
    void brokenEntriesAreDroppedAndHalfWrittenFilesRemoved() throws Exception {
        TorrentMetadata t = torrent("a.bin", 50_000, List.of(), List.of());
        String good = SiteProbe.key("/files/a.bin", resource(50_000));
        String lying = SiteProbe.key("/files/b.bin", resource(50_000));
        String noInfo = SiteProbe.key("/files/c.bin", resource(50_000));
        MetadataStore store = new MetadataStore(dir, 1 << 20);
        store.save(MetadataStore.Entry.of(good, "/files/a.bin", resource(50_000), t));
        store.save(MetadataStore.Entry.of(lying, "/files/b.bin", resource(50_000), t));
        Files.writeString(dir.resolve(lying + ".properties"), "path=/files/b.bin\nlength=49999\n");  // length disagrees
        Files.writeString(dir.resolve(noInfo + ".properties"), "path=/files/c.bin\nlength=50000\n");
        Files.writeString(dir.resolve(".tmp-123.part"), "half");
        Files.setLastModifiedTime(dir.resolve(".tmp-123.part"), java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - MetadataStore.LEFTOVER_AGE_MILLIS - 60_000));
        // another instance sharing the directory is writing this one right now: it stays
        Files.writeString(dir.resolve(".tmp-456.part"), "being written");
        Files.writeString(dir.resolve("notes.properties"), "path=/x\n");

        MetadataStore reopened = new MetadataStore(dir, 1 << 20);
        assertFalse(Files.exists(dir.resolve(".tmp-123.part")));
        assertTrue(Files.exists(dir.resolve(".tmp-456.part")));
        List<MetadataStore.Entry> all = reopened.loadAll();
        assertEquals(List.of(good), all.stream().map(MetadataStore.Entry::key).toList());
        assertFalse(Files.exists(dir.resolve(lying + ".info")));
        assertFalse(Files.exists(dir.resolve(noInfo + ".properties")));
    }

    @Test
    void theCapIsHeld() throws Exception {
        TorrentMetadata t = torrent("a.bin", 400_000, List.of(), List.of());  // 25 pieces: ~600 bytes of info
        MetadataStore store = new MetadataStore(dir, 2000);
        assertTrue(store.save(MetadataStore.Entry.of(SiteProbe.key("/a", resource(400_000)), "/a", resource(400_000), t)));
        assertFalse(store.save(MetadataStore.Entry.of(SiteProbe.key("/b", resource(400_000)), "/b", resource(400_000), t)));
        assertTrue(store.bytesUsed() <= 2000, "used " + store.bytesUsed());
    }

    @Test
    void pendingMarkers() {
        MetadataStore store = new MetadataStore(dir, 1 << 20);
        String k = SiteProbe.key("/files/a.bin", resource(1));
        store.markPending(k, "/files/a.bin");
        assertEquals(Map.of(k, "/files/a.bin"), new MetadataStore(dir, 1 << 20).pending());
        store.clearPending(k);
        assertEquals(Map.of(), store.pending());
    }

    /** A directory's hybrid torrent: its piece layers (outside info) are kept beside the info and come back with it. */
    @Test
    void keepsThePieceLayersOfHybridAndV2Torrents() throws Exception {
        for (io.github.torrenthttpbridge.torrent.TorrentVersion v : List.of(io.github.torrenthttpbridge.torrent.TorrentVersion.HYBRID,
                io.github.torrenthttpbridge.torrent.TorrentVersion.V2)) {
            Map<String, byte[]> files = Map.of("a.bin", bytes(200_000, 1), "sub/b.bin", bytes(70_000, 2));
            List<io.github.torrenthttpbridge.torrent.InputFile> inputs = files.entrySet().stream()
                    .map(e -> io.github.torrenthttpbridge.torrent.InputFile.of(e.getKey(), e.getValue().length)).toList();
            TorrentMetadata made = TorrentCreator.create("rel", inputs,
                    f -> new ByteArrayInputStream(files.get(String.join("/", f.path()))),
                    TorrentCreator.Options.defaults().withPieceSize(32768).withVersion(v), p -> { });
            assertFalse(made.pieceLayers().isEmpty());
            String key = v == io.github.torrenthttpbridge.torrent.TorrentVersion.V2 ? "0123456789abcdef0123456789abcdef" : "fedcba9876543210fedcba9876543210";
            MetadataStore.Entry e = new MetadataStore.Entry(key, "/files/rel/", made.length(), null, null, made.infoBytes(),
                    made.infoHash(), made.name(), StoredLayers.encode(made));
            MetadataStore store = new MetadataStore(dir, 1 << 20);
            assertTrue(store.save(e));
            assertTrue(Files.size(dir.resolve(key + ".layers")) > 0);
            MetadataStore.Entry loaded = new MetadataStore(dir, 1 << 20).load(key).orElseThrow();
            assertEquals(e, loaded);
            TorrentMetadata back = loaded.torrent(List.of("http://t/announce"), List.of("http://h/files/"));
            assertEquals(made.infoHash(), back.infoHash());
            assertArrayEquals(made.v2InfoHash().orElseThrow(), back.v2InfoHash().orElseThrow());
            assertEquals(made.pieceLayers().size(), back.pieceLayers().size());
            assertEquals(List.of("http://h/files/"), back.webSeeds());
            // a damaged layer file makes the entry unreadable (then it is deleted and hashed again), never a wrong torrent
            if (v == io.github.torrenthttpbridge.torrent.TorrentVersion.V2) {
                byte[] layers = Files.readAllBytes(dir.resolve(key + ".layers"));
                layers[layers.length - 2] ^= 1;
                Files.write(dir.resolve(key + ".layers"), layers);
                assertTrue(new MetadataStore(dir, 1 << 20).load(key).isEmpty());
                assertFalse(Files.exists(dir.resolve(key + ".info")));
                assertFalse(Files.exists(dir.resolve(key + ".layers")));
            }
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A save costs O(1): the bytes used are tracked from the store's own writes, the directory is listed only now and then. */
    @Test
    void bytesUsedAreTrackedWithoutListingTheDirectoryPerSave() throws Exception {
        io.github.torrenthttpbridge.testing.TestClock clock = new io.github.torrenthttpbridge.testing.TestClock(0);
        MetadataStore store = new MetadataStore(dir, 1 << 20, clock);
        assertEquals(0, store.bytesUsed());
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String path = "/files/" + i + ".bin";
            OriginResource r = new OriginResource(URI.create("http://127.0.0.1:8080" + path), 20_000 + i, "\"v" + i + "\"", null);
            String key = SiteProbe.key(path, r);
            keys.add(key);
            assertTrue(store.save(MetadataStore.Entry.of(key, path, r, torrent(i + ".bin", 20_000 + i, List.of(), List.of()))));
            assertEquals(directorySize(), store.bytesUsed(), "after saving " + (i + 1));
        }
        store.delete(keys.get(0));
        store.save(store.load(keys.get(1)).orElseThrow());   // rewritten in place: same bytes
        assertEquals(directorySize(), store.bytesUsed(), "after a delete and a rewrite");

        long own = store.bytesUsed();
        Files.write(dir.resolve("written-by-another-instance"), new byte[5000]);
        assertEquals(own, store.bytesUsed(), "not listed again for each save");
        clock.advance(MetadataStore.RECOUNT_EVERY);
        assertEquals(own + 5000, store.bytesUsed(), "measured again in full every " + MetadataStore.RECOUNT_EVERY);
        assertEquals(directorySize(), store.bytesUsed());
    }

    private long directorySize() throws Exception {
        try (var files = Files.list(dir)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
