package io.github.torrenthttpbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.settings.Setting;
import io.github.torrenthttpbridge.settings.Settings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code seed}'s flags are the settings table's rows that apply to it, read and checked by the rows. */
class SeedFlagsTest {
    static SeedCommand parsed(String... args) {
        SeedCommand seed = new SeedCommand();
        CommandLine cl = new CommandLine(seed);
        SeedCommand.addSettingFlags(cl.getCommandSpec());
        cl.parseArgs(args);
        return seed;
    }

    @Test
    void everySeedRowIsAFlagWithItsDocAndDefault() {
        CommandLine cl = new CommandLine(new SeedCommand());
        SeedCommand.addSettingFlags(cl.getCommandSpec());
        int flags = 0;
        for (Setting s : Settings.all()) {
            var o = cl.getCommandSpec().findOption("--" + s.key());
            if (s.appliesTo(Setting.Use.SEED)) {
                assertNotNull(o, "seed lacks --" + s.key());
                String description = String.join(" ", o.description());
                assertTrue(description.startsWith(s.doc().replace("%", "%%")), description);
                assertTrue(s.shownDefault().isEmpty() || description.endsWith("(default " + s.shownDefault() + ")"), description);
                flags++;
            }
        }
        assertTrue(flags >= 20, "seed has the upload cap, peer limits and budgets: " + flags);
        assertNotNull(cl.getCommandSpec().findOption("--max-upload-kib"), "the upload cap seed lacked");
    }

    @Test
    void theFlagsBuildTheBridgeConfigAsTheFilterWould() {
        BridgeConfig c = parsed("http://example.org/f.iso", "--max-upload-kib", "100", "--port", "0", "--no-dht",
                "--max-peers-per-ip", "3", "--bootstrap", "dht.example.org:6881", "--send-buffer-kib", "128").settings()
                .bridgeConfig().build();
        assertEquals(100 * 1024, c.maxUploadBytesPerSecond());
        assertEquals(0, c.port());
        assertFalse(c.dhtEnabled());
        assertEquals(3, c.peerBudgets().maxPeersPerIp());
        assertEquals(128 * 1024, c.peerBudgets().sendBufferBytes());
        assertEquals("dht.example.org", c.dhtBootstrap().get(0).getHostString());
        BridgeConfig d = parsed("http://example.org/f.iso").settings().bridgeConfig().build();
        assertEquals(6881, d.port());
        assertEquals(0, d.maxUploadBytesPerSecond());
        assertEquals(128L << 20, d.cacheBytes());
    }

    @Test
    void aBadValueNamesTheFlag() {
        var e = assertThrows(IllegalArgumentException.class, () -> parsed("http://x/f", "--port", "70000").settings());
        assertEquals("bad value '70000' for --port: expected an integer from 0 to 65535", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parsed("http://x/f", "--cache-mib", "-1").settings());
        assertTrue(e.getMessage().contains("--cache-mib"), e.getMessage());
    }
}
