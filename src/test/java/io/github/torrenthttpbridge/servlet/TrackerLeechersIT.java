package io.github.torrenthttpbridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leechers that find the bridge through the site's own tracker, one after another (the demo's folder torrent, web
 * seeds off). Each announce makes the bridge offer to dial the leecher, which is dialling the bridge at the same
 * moment: when both connections opened together, libtorrent closed both as a "duplicate peer-id" and waited a minute
 * before trying again (seen in 2 of 12 downloads on a busy machine). The bridge now dials only a leecher that has
 * not connected within its grace period, so no download may see a duplicate peer id or take more than seconds.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TrackerLeechersIT {
    @TempDir
    Path dir;

    @Test
    void leechersFromTheBuiltInTrackerAreNeverConnectedTwice() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        String origin = "http://127.0.0.1:" + port;
        List<String> cmd = Processes.cli("serve", "webapp",
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--data", dir.resolve("data").toString(),
                "--torrent-port", "0", "--no-dht", "--param", "torrent-bridge.bind=127.0.0.1",
                "--param", "torrent-bridge.origin=" + origin, "--param", "torrent-bridge.webseed=false",
                "--param", "torrent-bridge.metadata-dir=" + dir.resolve("metadata"));
        try (Processes.Background site = Processes.start(cmd)) {
            site.await("torrent port: (\\d+)", Duration.ofSeconds(60));
            HttpResponse<byte[]> t = SiteFixture.torrentWhenReady(URI.create(origin + "/files/release-1.0/?torrent"));
            assertEquals(200, t.statusCode());
            Path torrent = dir.resolve("folder.torrent");
            Files.write(torrent, t.body());
            for (int i = 0; i < 6; i++) {
                Path save = Files.createDirectories(dir.resolve("dl" + i));
                Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent",
                        torrent.toString(), "--save", save.toString(), "--tracker-on-loopback", "--timeout", "90"),
                        Duration.ofSeconds(120));
                String json = r.lastLine();
                assertEquals("true", r.json("ok"), "download " + i + ": " + json + "\n" + r.stderr());
                assertFalse(json.contains("duplicate peer-id"), "download " + i + " saw two connections to the bridge: " + json);
                assertTrue(Double.parseDouble(r.json("seconds")) < 30, "download " + i + " waited: " + json);
                assertTrue(Files.size(save.resolve("release-1.0").resolve("app-1.0.tar.gz")) == 4L << 20, json);
            }
        }
    }
}
