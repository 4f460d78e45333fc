package io.github.torrenthttpbridge.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void eachRowIsValidAndItsDefaultInRange() {
        Set<String> names = new HashSet<>();
        for (Setting s : Settings.all()) {
            assertTrue(names.add(s.name()), "one row per name: " + s);
            assertTrue(s.name().startsWith("torrent-bridge."), s.name());
            assertFalse(s.doc().isBlank(), s + " has a doc line");
            assertFalse(s.uses().isEmpty(), s + " applies somewhere");
            assertEquals(s, Settings.named(s.name()).orElseThrow());
            switch (s.kind()) {
                case INTEGER -> {
                    assertTrue(s.min() <= s.max(), s + " range");
                    assertEquals(s.defaultLong(), s.check(s.defaultLong()), s + " default in range");
                    assertEquals(s.defaultLong(), s.parseLong(s.shownDefault()));
                    assertTrue(s.unit() >= 1, s + " unit");
                }
                case BOOLEAN -> assertEquals(s.defaultBoolean(), s.parseBoolean(s.shownDefault()));
                default -> assertTrue(s.shownDefault().isEmpty() || s.hasValueDefault() || s.shownDefault().startsWith("("), s + "");
            }
        }
        assertEquals(io.github.torrenthttpbridge.torrent.TorrentMetadata.MAX_LENGTH, Settings.MAX_TORRENT_LENGTH);
    }

    @Test
    void rangesAreCheckedInOnePlaceWithTheSettingsName() {
        var e = assertThrows(IllegalArgumentException.class, () -> Settings.PORT.check(70000));
        assertEquals("bad value '70000' for torrent-bridge.port: expected an integer from 0 to 65535", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Settings.SEND_BUFFER_KIB.checkScaled(1000));
        assertTrue(e.getMessage().contains("torrent-bridge.send-buffer-kib") && e.getMessage().contains("65536"), e.getMessage());
        assertEquals(64 * 1024, Settings.SEND_BUFFER_KIB.checkScaled(64 * 1024));
        assertEquals(1024 * 1024, Settings.SEND_BUFFER_KIB.defaultScaled());
        e = assertThrows(IllegalArgumentException.class, () -> Settings.DHT.parseBoolean("yes"));
        assertTrue(e.getMessage().contains("'yes'") && e.getMessage().contains("torrent-bridge.dht"), e.getMessage());
    }

    @Test
    void anUnknownNameIsRefusedWithTheClosestKnownOne() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Settings.requireKnown(List.of("torrent-bridge.port", "torrent-bridge.max-upload-kb"), "context parameter"));
        assertEquals("unknown context parameter torrent-bridge.max-upload-kb (did you mean torrent-bridge.max-upload-kib?)",
                e.getMessage());
        assertEquals(Settings.TRUSTED_PROXIES, Settings.closest("torrent-bridge.trusted-proxy"));
        assertEquals(Settings.DHT_PORT, Settings.closest("torrent-bridge.dhtport"));
        Settings.requireKnown(List.of("torrent-bridge.port", "server.port", "spring.torrent-bridge"), "property");
        assertEquals(0, Settings.distance("abc", "abc"));
        assertEquals(3, Settings.distance("", "abc"));
        assertEquals(1, Settings.distance("kitten", "sitten"));
    }

    @Test
    void hostPortIsParsedOneWay() {
        InetSocketAddress a = Settings.ANNOUNCE_ADDRESS.parseHostPort("seed.example.org:51413");
        assertEquals("seed.example.org", a.getHostString());
        assertEquals(51413, a.getPort());
        assertTrue(a.isUnresolved());
        assertEquals(0, Settings.ANNOUNCE_ADDRESS.parseHostPort("[2001:db8::7]").getPort());
        assertEquals("2001:db8::7", Settings.ANNOUNCE_ADDRESS.parseHostPort("2001:db8::7").getHostString());
        List<InetSocketAddress> nodes = Settings.DHT_BOOTSTRAP.parseHostPorts("a.example:6881, [::1]:7000");
        assertEquals(List.of(6881, 7000), nodes.stream().map(InetSocketAddress::getPort).toList());
        assertEquals("::1", nodes.get(1).getHostString());
        for (String bad : new String[] {"a.example", "a.example:0", "a.example:x", "a b:1"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Settings.DHT_BOOTSTRAP.parseHostPorts(bad), bad);
            assertTrue(e.getMessage().contains("torrent-bridge.dht-bootstrap") && e.getMessage().contains("HOST:PORT"), e.getMessage());
        }
    }

    /** The README's table is the one the table generates, row for row. */
    @Test
    void theReadmeTableIsTheTable() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains(Settings.markdownTable()), "README's parameter table differs from Settings.markdownTable():\n"
                + Settings.markdownTable());
    }

    /** The API builders' defaults and checks are the table's: one default and one range per setting. */
    @Test
    void theApiBuildersTakeDefaultsAndRangesFromTheTable() {
        var config = io.github.torrenthttpbridge.bridge.BridgeConfig.builder().build();
        assertEquals(Settings.PORT.defaultLong(), config.port());
        assertEquals(Settings.DHT_PORT.defaultLong(), config.dhtPort());
        assertEquals(Settings.CACHE_MIB.defaultLong() << 20, config.cacheBytes());
        assertEquals(Settings.DISK_CACHE_MIB.defaultLong() << 20, config.diskCacheBytes());
        assertEquals(Settings.MAX_PEERS.defaultLong(), config.maxPeers());
        assertEquals(0, config.maxUploadBytesPerSecond());
        var budgets = io.github.torrenthttpbridge.engine.PeerBudgets.defaults();
        assertEquals(Settings.SEND_BUFFER_KIB.defaultLong() * 1024, budgets.sendBufferBytes());
        assertEquals(Settings.ORIGIN_ALLOWANCE_MIB.defaultLong() << 20, budgets.originAllowanceBytes());
        assertEquals(Settings.MAX_PEERS_PER_IP.defaultLong(), budgets.maxPeersPerIp());
        var site = io.github.torrenthttpbridge.site.SiteOptions.builder(Path.of("/m")).build();
        assertEquals(Settings.MIN_SIZE.defaultLong(), site.minSize());
        assertEquals(Settings.HASH_QUEUE.defaultLong(), site.hashQueue());
        assertEquals(Settings.HASH_LEASE.defaultLong(), site.hashLease().toSeconds());
        assertEquals(Settings.MAX_FOLDER_BYTES.defaultLong(), site.maxFolderBytes());
        assertEquals(Settings.METADATA_MAX_MIB.defaultLong() << 20, site.metadataMaxBytes());
        // the ranges that had drifted apart (hash-lease 5 s..1 h here, 1 s..24 h there) are one
        var e = assertThrows(IllegalArgumentException.class,
                () -> io.github.torrenthttpbridge.site.SiteOptions.builder(Path.of("/m")).hashLease(java.time.Duration.ofHours(2)));
        assertEquals("bad value '7200' for torrent-bridge.hash-lease: expected an integer from 5 to 3600", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> io.github.torrenthttpbridge.site.SiteOptions.builder(Path.of("/m")).maxFolderFiles(2_000_000));
        assertTrue(e.getMessage().contains("torrent-bridge.max-folder-files"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> io.github.torrenthttpbridge.bridge.BridgeConfig.builder().port(70000));
        assertEquals("bad value '70000' for torrent-bridge.port: expected an integer from 0 to 65535", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> io.github.torrenthttpbridge.engine.PeerBudgets.builder().maxPeersPerIp(0));
        assertTrue(e.getMessage().contains("torrent-bridge.max-peers-per-ip"), e.getMessage());
    }
}
