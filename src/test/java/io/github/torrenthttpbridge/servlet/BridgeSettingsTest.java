package io.github.torrenthttpbridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BridgeSettingsTest {
    static BridgeSettings parse(Map<String, String> p) {
        return BridgeSettings.parse(p::get, Path.of("/tmp/ctx"));
    }

    @Test
    void defaults() {
        BridgeSettings s = parse(Map.of());
        assertTrue(s.enabled());
        assertEquals(6881, s.port());
        assertEquals(1048576, s.minSize());
        assertEquals(0, s.pieceSize());
        assertNull(s.origin());
        assertEquals(Path.of("/tmp/ctx/torrent-bridge"), s.metadataDir());
        assertEquals("/torrent-bridge/", s.statusPath());
        assertTrue(s.pathPolicy().allows("/files/a.iso"));
        assertFalse(s.pathPolicy().allows("/WEB-INF/a.iso"));
        assertFalse(s.pathPolicy().allows("/meta-inf/a.iso"));
        assertFalse(s.pathPolicy().allows("/dir/"));
    }

    @Test
    void announceAddressAndHashLease() {
        BridgeSettings d = parse(Map.of());
        assertEquals(null, d.announceAddress());
        assertEquals(java.time.Duration.ofSeconds(30), d.hashLease());
        BridgeSettings s = parse(Map.of("torrent-bridge.announce-address", "seed2.example.org:51413",
                "torrent-bridge.hash-lease", "120"));
        assertEquals("seed2.example.org", s.announceAddress().getHostString());
        assertEquals(51413, s.announceAddress().getPort());
        assertTrue(s.announceAddress().isUnresolved(), "never resolved at start-up");
        assertEquals(java.time.Duration.ofSeconds(120), s.hashLease());
        assertEquals(0, parse(Map.of("torrent-bridge.announce-address", "203.0.113.7")).announceAddress().getPort(),
                "no port: the peer port");
        assertEquals("2001:db8::7", parse(Map.of("torrent-bridge.announce-address", "[2001:db8::7]:6881")).announceAddress().getHostString());
        assertEquals("2001:db8::7", parse(Map.of("torrent-bridge.announce-address", "2001:db8::7")).announceAddress().getHostString());
        for (String bad : new String[] {"host:70000", "host:x", "a b:1", "[::1", "[::1]x", "h/x:1"}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> parse(Map.of("torrent-bridge.announce-address", bad)), bad);
            assertTrue(e.getMessage().contains("torrent-bridge.announce-address"), e.getMessage());
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of("torrent-bridge.hash-lease", "2")));
        assertTrue(e.getMessage().contains("torrent-bridge.hash-lease"), e.getMessage());
    }

    @Test
    void patterns() {
        BridgeSettings s = parse(Map.of("torrent-bridge.include", "/files/*, *.iso", "torrent-bridge.exclude", "/files/private/*"));
        assertTrue(s.pathPolicy().allows("/files/x.bin"));
        assertTrue(s.pathPolicy().allows("/other/x.iso"));
        assertFalse(s.pathPolicy().allows("/other/x.bin"));
        assertFalse(s.pathPolicy().allows("/files/private/x.bin"));
    }

    @Test
    void badValuesNameTheParameter() {
        Map<String, String> bad = Map.ofEntries(
                Map.entry("torrent-bridge.port", "70000"),
                Map.entry("torrent-bridge.piece-size", "1000"),
                Map.entry("torrent-bridge.min-size", "-1"),
                Map.entry("torrent-bridge.dht", "yes"),
                Map.entry("torrent-bridge.origin", "ftp://x/"),
                Map.entry("torrent-bridge.include", "files/*"),
                Map.entry("torrent-bridge.trackers", "gopher://t"),
                Map.entry("torrent-bridge.status-path", "status"),
                Map.entry("torrent-bridge.dht-bootstrap", "host-without-port"),
                Map.entry("torrent-bridge.bind", "not an address"),
                Map.entry("torrent-bridge.max-peers", "0"),
                Map.entry("torrent-bridge.origin-connections", "many"),
                Map.entry("torrent-bridge.metadata-max-mib", "-5"),
                Map.entry("torrent-bridge.max-folder-files", "0"),
                Map.entry("torrent-bridge.max-folder-bytes", "lots"),
                Map.entry("torrent-bridge.torrent-version", "v3"));
        for (var e : bad.entrySet()) {
            var ex = assertThrows(IllegalArgumentException.class, () -> parse(Map.of(e.getKey(), e.getValue())), e.getKey());
            assertTrue(ex.getMessage().contains(e.getKey()) && ex.getMessage().contains(e.getValue()), ex.getMessage());
        }
    }

    @Test
    void foldersAndTorrentVersion() {
        BridgeSettings s = parse(Map.of("torrent-bridge.exclude", "/files/private/*"));
        assertEquals(1000, s.maxFolderFiles());
        assertEquals(64L << 30, s.maxFolderBytes());
        assertEquals(io.github.torrenthttpbridge.torrent.TorrentVersion.V1, s.torrentVersion());
        assertTrue(s.pathPolicy().allowsDirectory("/files/"));
        assertTrue(s.pathPolicy().allowsDirectory("/files/sub/"));
        assertFalse(s.pathPolicy().allowsDirectory("/"), "the site root is no folder torrent");
        assertFalse(s.pathPolicy().allowsDirectory("/files"), "a directory path ends with '/'");
        assertFalse(s.pathPolicy().allowsDirectory("/files/private/"), "excluded");
        assertFalse(s.pathPolicy().allowsDirectory("/WEB-INF/"));
        assertFalse(s.pathPolicy().allowsDirectory("/meta-inf/x/"));
        BridgeSettings t = parse(Map.of("torrent-bridge.max-folder-files", "5", "torrent-bridge.max-folder-bytes", "1000",
                "torrent-bridge.torrent-version", "Hybrid"));
        assertEquals(5, t.maxFolderFiles());
        assertEquals(1000, t.maxFolderBytes());
        assertEquals(io.github.torrenthttpbridge.torrent.TorrentVersion.HYBRID, t.torrentVersion());
    }

    @Test
    void limitsHaveSaneDefaults() {
        BridgeSettings.Limits l = parse(Map.of()).limits();
        assertEquals(200, l.maxPeers());
        assertEquals(50, l.maxPeersPerTorrent());
        assertEquals(0, l.maxUploadKiB());
        assertEquals(8, l.originConnections());
        assertEquals(100, l.hashQueue());
        assertEquals(256, l.metadataMaxMiB());
        assertEquals(1024, parse(Map.of("torrent-bridge.max-upload-kib", "1024")).limits().maxUploadKiB());
    }

    /** The demo's web.xml and the README's table document every parameter, with the default the code uses. */
    @Test
    void everyParameterIsDocumented() throws Exception {
        String webXml = java.nio.file.Files.readString(Path.of("webapp/WEB-INF/web.xml"));
        String readme = java.nio.file.Files.readString(Path.of("README.md"));
        for (io.github.torrenthttpbridge.settings.Setting e : BridgeSettings.parameters()) {
            String name = e.name();
            String def = e.shownDefault();
            assertTrue(webXml.contains("<param-name>" + name + "</param-name>"), "web.xml lacks " + name);
            String row = "| `" + name + "` | " + (def.isEmpty() ? "(none)" : "`" + def + "`") + " |";
            assertTrue(readme.contains(row), "README's parameter table lacks " + name + " with its default: " + row);
        }
    }

    @Test
    void blankMeansTheDefaultAndOldPlaceholdersStillDeploy() {
        BridgeSettings blank = parse(Map.of("torrent-bridge.origin", "", "torrent-bridge.port", " ", "torrent-bridge.public-url", "(origin)",
                "torrent-bridge.metadata-dir", "(temp dir)/torrent-bridge"));
        assertEquals(parse(Map.of()).toString(), blank.toString());
    }

    /** Each documented default that is a value (not "(derived)") is what not setting the parameter gives. */
    @Test
    void documentedDefaultsAreTheRealOnes() {
        String defaults = parse(Map.of()).toString();
        for (io.github.torrenthttpbridge.settings.Setting p : BridgeSettings.parameters()) {
            if (!p.shownDefault().startsWith("(")) {
                assertEquals(defaults, parse(Map.of(p.name(), p.shownDefault())).toString(), p.name());
            }
        }
    }

    @Test
    void theBuilderChecksEachSettingLikeTheParser() {
        var ex = assertThrows(IllegalArgumentException.class, () -> BridgeSettings.builder(Path.of("/t")).port(70000));
        assertTrue(ex.getMessage().contains("torrent-bridge.port") && ex.getMessage().contains("70000"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> BridgeSettings.builder(Path.of("/t")).publicUrl(java.net.URI.create("ftp://x")));
        assertTrue(ex.getMessage().contains("torrent-bridge.public-url"), ex.getMessage());
        BridgeSettings s = BridgeSettings.builder(Path.of("/t")).port(0).publicUrl(java.net.URI.create("https://example.org/site/")).build();
        assertEquals(0, s.port());
        assertEquals("https://example.org/site", s.publicUrl().toString());
        assertThrows(UnsupportedOperationException.class, () -> s.trackers().add("http://t"));
    }

    /** A typo in a name stops the start with one line naming the closest setting (it was ignored without a word). */
    @Test
    void anUnknownNameStopsTheStartWithTheClosestOne() {
        var ex = assertThrows(IllegalArgumentException.class, () -> BridgeSettings.parse(
                Map.of("torrent-bridge.max-upload-kb", "100", "torrent-bridge.port", "0"), Path.of("/t"), "context parameter"));
        assertEquals("unknown context parameter torrent-bridge.max-upload-kb (did you mean torrent-bridge.max-upload-kib?)",
                ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> BridgeSettings.parse(
                Map.of("torrent-bridge.trusted-proxy", "127.0.0.1"), Path.of("/t"), "parameter"));
        assertTrue(ex.getMessage().contains("did you mean torrent-bridge.trusted-proxies?"), ex.getMessage());
        assertEquals(100, BridgeSettings.parse(Map.of("torrent-bridge.max-upload-kib", "100", "other.name", "x"), Path.of("/t"),
                "parameter").limits().maxUploadKiB(), "names without the prefix are not ours");
    }

    /** The builder and the parser give one message for one bad value: both check with the table's row. */
    @Test
    void oneCheckForTheBuilderAndTheParser() {
        for (String[] c : new String[][] {{"hash-lease", "4"}, {"max-folder-files", "1000001"}, {"hash-queue", "100001"},
                {"cache-mib", "-1"}, {"max-peers", "100001"}}) {
            var fromText = assertThrows(IllegalArgumentException.class, () -> parse(Map.of("torrent-bridge." + c[0], c[1])));
            var fromRow = assertThrows(IllegalArgumentException.class,
                    () -> io.github.torrenthttpbridge.settings.Settings.named("torrent-bridge." + c[0]).orElseThrow().check(Long.parseLong(c[1])));
            assertEquals(fromRow.getMessage(), fromText.getMessage(), c[0]);
        }
        var ex = assertThrows(IllegalArgumentException.class,
                () -> BridgeSettings.builder(Path.of("/t")).hashLease(java.time.Duration.ofSeconds(4)));
        assertEquals("bad value '4' for torrent-bridge.hash-lease: expected an integer from 5 to 3600", ex.getMessage());
    }
}
