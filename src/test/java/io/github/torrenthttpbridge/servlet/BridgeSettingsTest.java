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
        assertTrue(s.allows("/files/a.iso"));
        assertFalse(s.allows("/WEB-INF/a.iso"));
        assertFalse(s.allows("/meta-inf/a.iso"));
        assertFalse(s.allows("/dir/"));
    }

    @Test
    void patterns() {
        BridgeSettings s = parse(Map.of("torrent-bridge.include", "/files/*, *.iso", "torrent-bridge.exclude", "/files/private/*"));
        assertTrue(s.allows("/files/x.bin"));
        assertTrue(s.allows("/other/x.iso"));
        assertFalse(s.allows("/other/x.bin"));
        assertFalse(s.allows("/files/private/x.bin"));
    }

    @Test
    void badValuesNameTheParameter() {
        Map<String, String> bad = Map.of(
                "torrent-bridge.port", "70000",
                "torrent-bridge.piece-size", "1000",
                "torrent-bridge.min-size", "-1",
                "torrent-bridge.dht", "yes",
                "torrent-bridge.origin", "ftp://x/",
                "torrent-bridge.include", "files/*",
                "torrent-bridge.trackers", "gopher://t",
                "torrent-bridge.status-path", "status",
                "torrent-bridge.dht-bootstrap", "host-without-port",
                "torrent-bridge.bind", "not an address");
        for (var e : bad.entrySet()) {
            var ex = assertThrows(IllegalArgumentException.class, () -> parse(Map.of(e.getKey(), e.getValue())), e.getKey());
            assertTrue(ex.getMessage().contains(e.getKey()) && ex.getMessage().contains(e.getValue()), ex.getMessage());
        }
    }
}
