package io.github.torrenthttpbridge.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;

class SeededTorrentsTest {
    static MetadataStore.Entry entry(String key, String path, TorrentMetadata t) {
        return new MetadataStore.Entry(key, path, t.length(), null, null, t.infoBytes(), t.infoHash(), t.name());
    }

    @Test
    void aNewVersionOfAFileDisplacesTheOldOne() throws Exception {
        TorrentMetadata t1 = MetadataStoreTest.torrent("a.bin", 40_000, List.of(), List.of());
        TorrentMetadata t2 = MetadataStoreTest.torrent("a.bin", 41_000, List.of(), List.of());
        SeededTorrents s = new SeededTorrents();
        String k1 = "1".repeat(32);
        String k2 = "2".repeat(32);
        assertTrue(s.publish(new SeededTorrents.Seeded("/a", entry(k1, "/a", t1), null, Instant.EPOCH)).isEmpty());
        assertEquals(k1, s.current("/a").orElseThrow().key());
        assertTrue(s.hasPath("/a"));

        var displaced = s.publish(new SeededTorrents.Seeded("/a", entry(k2, "/a", t2), null, Instant.EPOCH.plusSeconds(5)));
        assertEquals(k1, displaced.orElseThrow().key());
        assertFalse(s.contains(k1), "the old version is no longer listed");
        assertEquals(k2, s.current("/a").orElseThrow().key());
        assertEquals(1, s.all().size());
    }

    @Test
    void registeringTheSameHandleTwiceKeepsTheFirstAge() throws Exception {
        TorrentMetadata t = MetadataStoreTest.torrent("b.bin", 30_000, List.of(), List.of());
        SeededTorrents s = new SeededTorrents();
        String k = "3".repeat(32);
        s.publish(new SeededTorrents.Seeded("/b", entry(k, "/b", t), null, Instant.EPOCH));
        assertTrue(s.publish(new SeededTorrents.Seeded("/b", entry(k, "/b", t), null, Instant.EPOCH.plusSeconds(60))).isEmpty());
        assertEquals(Instant.EPOCH, s.byKey(k).orElseThrow().since());
    }

    @Test
    void pagesInPathOrderFilteredByPathWithTotalsKeptAsTorrentsComeAndGo() throws Exception {
        TorrentMetadata t = MetadataStoreTest.torrent("c.bin", 20_000, List.of(), List.of());
        SeededTorrents s = new SeededTorrents();
        for (int i = 249; i >= 0; i--) {   // registered in any order, listed by path
            String path = String.format("/f/%03d.bin", i);
            s.publish(new SeededTorrents.Seeded(path, entry(String.format("%032x", i), path, t), null, Instant.EPOCH));
        }
        assertEquals(250, s.size());
        assertEquals(250L * t.length(), s.bytes());

        SeededTorrents.Slice second = s.slice(null, 100, 100);
        assertEquals(250, second.matching());
        assertEquals(100, second.rows().size());
        assertEquals("/f/100.bin", second.rows().get(0).path());
        assertEquals("/f/199.bin", second.rows().get(99).path());
        assertEquals(50, s.slice(null, 200, 100).rows().size(), "the last page is short");
        assertEquals(0, s.slice(null, 300, 100).rows().size(), "past the end: nothing");

        TorrentListing.Query q = new TorrentListing.Query("F/01", TorrentListing.Sort.PATH, 1, 5);
        SeededTorrents.Slice filtered = s.slice(q.matcher(), q.offset(), q.pageSize());
        assertEquals(10, filtered.matching(), "/f/010 to /f/019, ignoring case");
        assertEquals(List.of("/f/010.bin", "/f/011.bin", "/f/012.bin", "/f/013.bin", "/f/014.bin"),
                filtered.rows().stream().map(SeededTorrents.Seeded::path).toList());
        assertEquals(10, s.matching(q.matcher()).size());

        // a new version of a file replaces the old one in the totals; same count, new bytes
        TorrentMetadata bigger = MetadataStoreTest.torrent("c.bin", 30_000, List.of(), List.of());
        s.publish(new SeededTorrents.Seeded("/f/000.bin", entry("f".repeat(32), "/f/000.bin", bigger), null, Instant.EPOCH));
        assertEquals(250, s.size());
        assertEquals(249L * t.length() + bigger.length(), s.bytes());
        assertEquals("f".repeat(32), s.slice(null, 0, 1).rows().get(0).key());
    }

    @Test
    void aQueryIsChecked() {
        assertEquals(TorrentListing.Sort.PATH, new TorrentListing.Query("  ", null, 1, 100).sort());
        assertEquals(null, new TorrentListing.Query("  ", null, 1, 100).filter(), "blank: no filter");
        assertEquals(null, new TorrentListing.Query(null, null, 1, 100).matcher(), "no filter: every path matches, unchecked");
        assertEquals(200, new TorrentListing.Query(null, null, 3, 100).offset());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TorrentListing.Query(null, null, 0, 100));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new TorrentListing.Query(null, null, 1, TorrentListing.MAX_PAGE_SIZE + 1));
        assertFalse(new TorrentListing.Query("iso", null, 1, 10).matcher().test("/a.img"));
        assertTrue(new TorrentListing.Query("iso", null, 1, 10).matcher().test("/A.ISO"));
    }
}
