package io.github.torrenthttpbridge.site;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.torrenthttpbridge.torrent.Fixtures;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;

/** Magnet facts of stored torrents, read back without their files: v1, hybrid and v2-only ones. */
class KnownTorrentsTest {
    private static KnownTorrents.Known known(String fixture) throws Exception {
        TorrentMetadata t = TorrentMetadata.parse(Fixtures.resource(fixture + ".torrent"));
        return KnownTorrents.of(new MetadataStore.Entry("k", "/f", t.length(), null, null, t.infoBytes(), t.infoHash(),
                t.name(), null));
    }

    @Test
    void eachVersionKeepsTheHashesItsMagnetNeeds() throws Exception {
        KnownTorrents.Known v1 = known("set-v1");
        assertTrue(v1.hasV1());
        assertNull(v1.v2());
        KnownTorrents.Known hybrid = known("set-hybrid");
        assertTrue(hybrid.hasV1());
        assertArrayEquals(TorrentMetadata.parse(Fixtures.resource("set-hybrid.torrent")).v2InfoHash().orElseThrow(), hybrid.v2());
        KnownTorrents.Known v2 = known("single-v2");
        assertFalse(v2.hasV1(), "a v2-only torrent's 20-byte id is a truncated v2 hash, never a btih");
        String magnet = TorrentMetadata.magnetLink(v2.hasV1() ? v2.infoHash() : null, v2.v2(), v2.name(), v2.length(),
                java.util.List.of(), java.util.List.of());
        String v2hex = java.util.HexFormat.of().formatHex(
                TorrentMetadata.parse(Fixtures.resource("single-v2.torrent")).v2InfoHash().orElseThrow());
        assertTrue(magnet.startsWith("magnet:?xt=urn:btmh:1220" + v2hex + "&dn=one.bin"), magnet);
        assertFalse(magnet.contains("btih"), magnet);
    }
}
