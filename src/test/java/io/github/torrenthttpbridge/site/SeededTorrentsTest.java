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
}
