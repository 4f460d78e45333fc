package io.github.torrenthttpbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.FileOrigin;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import io.github.torrenthttpbridge.tracker.HttpTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hybrid found by its v2 hash alone through a tracker: the bridge announces the torrent under both its v1 and its
 * truncated v2 info hash, the built-in tracker ({@link HttpTracker}, asking the bridge which hashes it seeds, as the
 * servlet filter wires it) answers both, and libtorrent given only {@code magnet:?xt=urn:btmh:…&tr=…} finds the
 * bridge there and downloads metadata, piece layers and pieces from it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class V2TrackerIT {
    @TempDir
    Path dir;

    @Test
    void aV2MagnetFindsTheBridgeThroughTheTracker() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] data = new byte[5 * 1024 * 1024 + 333];
        new Random(9).nextBytes(data);
        Files.write(www.resolve("t.bin"), data);
        java.util.Set<InfoHash> dialledFor = java.util.concurrent.ConcurrentHashMap.newKeySet();
        TorrentBridge bridge = TorrentBridge.start(BridgeConfig.builder().bindAddress(InetAddress.getLoopbackAddress())
                .port(0).dht(false).peerDiscoveryInterval(Duration.ofSeconds(2)).build());
        HttpTracker tracker = new HttpTracker(HttpTracker.Settings.defaults(), h -> bridge.get(h).isPresent(),
                local -> Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), bridge.torrentPort())),
                Clock.systemUTC(), (h, peer) -> {
                    dialledFor.add(h);   // a downloading peer announced h: the bridge dials it
                    bridge.connectTo(h, peer);
                });
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        http.createContext("/announce", ex -> {
            byte[] body = tracker.announce(ex.getRequestURI().getRawQuery(), ex.getRemoteAddress().getAddress(),
                    ex.getLocalAddress().getAddress());
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        String announce = "http://127.0.0.1:" + http.getAddress().getPort() + "/announce";
        try (FileOrigin origin = new FileOrigin(www)) {
            Path torrentFile = dir.resolve("t.torrent");
            Processes.Result made = Processes.run(List.of("/usr/bin/python3", "-c",
                    "import libtorrent as lt,sys\n"
                            + "fs=lt.file_storage(); lt.add_files(fs, sys.argv[1])\n"
                            + "ct=lt.create_torrent(fs, 32768)\n"
                            + "ct.add_tracker(sys.argv[3])\n"
                            + "lt.set_piece_hashes(ct, sys.argv[2])\n"
                            + "open(sys.argv[4],'wb').write(lt.bencode(ct.generate()))\n",
                    www.resolve("t.bin").toString(), www.toString(), announce, torrentFile.toString()),
                    Duration.ofSeconds(60));
            assertEquals(0, made.exitCode(), made.stderr());
            TorrentMetadata t = TorrentMetadata.parse(Files.readAllBytes(torrentFile));
            assertTrue(t.hasV1() && t.hasV2());
            InfoHash v2 = InfoHash.of(Arrays.copyOf(t.v2InfoHash().orElseThrow(), 20));
            SeedHandle h = bridge.seed(origin.url("t.bin"), t);
            assertTrue(bridge.get(v2).isPresent(), "the bridge knows the torrent by its v2 hash");

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((tracker.peerCount(t.infoHash()) == 0 || tracker.peerCount(v2) == 0) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(1, tracker.peerCount(t.infoHash()), "the bridge announced the v1 hash");
            assertEquals(1, tracker.peerCount(v2), "the bridge announced the truncated v2 hash");

            Path save = Files.createDirectories(dir.resolve("dl"));
            String magnet = "magnet:?xt=urn:btmh:1220" + HexFormat.of().formatHex(t.v2InfoHash().orElseThrow())
                    + "&dn=t.bin&tr=" + java.net.URLEncoder.encode(announce, java.nio.charset.StandardCharsets.UTF_8);
            Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"),
                    "--magnet", magnet, "--save", save.toString(), "--timeout", "60", "--tracker-on-loopback"),
                    Duration.ofSeconds(90));
            assertEquals("true", r.json("ok"), r.lastLine() + "\n" + r.stderr());
            assertEquals("0", r.json("hash_failures"));
            // the leecher knew only the v2 hash and the tracker: it got the bridge's address from the tracker, or the
            // bridge dialled it after the tracker saw it announce the v2 hash (whichever connects first)
            assertTrue(r.json("peers_seen").contains("tracker") || dialledFor.contains(v2),
                    "found through the tracker: " + r.json("peers_seen") + ", bridge dialled for " + dialledFor);
            assertEquals(Digests.sha256(www.resolve("t.bin")), Digests.sha256(save.resolve("t.bin")));
            assertTrue(h.hashRequestsServed() >= 1, "piece layers from the bridge");
        } finally {
            http.stop(0);
            bridge.close();
        }
    }
}
