package io.github.torrenthttpbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.FileOrigin;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.testing.RandomTorrent;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer exchange (BEP 11): two libtorrent leechers that each know only the bridge (no tracker, no DHT) find each
 * other through the bridge's ut_pex message. The bridge's upload is capped so that they are still downloading when
 * the second one joins.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PeerExchangeIT {
    static final int SIZE = 16 * 1024 * 1024;
    @TempDir
    Path dir;

    @Test
    void leechersMeetThroughTheBridgesPeerExchange() throws Exception {
        Path www = dir.resolve("www");
        RandomTorrent made = RandomTorrent.make(www, "pex.bin", SIZE, 11, TorrentCreator.Options.defaults());
        TorrentMetadata t = made.torrent();
        Path tf = made.torrentFile();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (FileOrigin origin = new FileOrigin(www);
             TorrentBridge bridge = TorrentBridge.start(BridgeConfig.builder().bindAddress(InetAddress.getLoopbackAddress())
                     .port(0).dht(false).maxUploadBytesPerSecond(2L * 1024 * 1024).build())) {
            bridge.seed(origin.url("pex.bin"), t);
            String peer = "127.0.0.1:" + bridge.torrentPort();
            Future<Processes.Result> first = pool.submit(() -> leech("a", tf, peer));
            Thread.sleep(3000);
            Future<Processes.Result> second = pool.submit(() -> leech("b", tf, peer));
            Processes.Result a = first.get(150, TimeUnit.SECONDS);
            Processes.Result b = second.get(150, TimeUnit.SECONDS);
            for (var e : List.of(List.of("a", a), List.of("b", b))) {
                Processes.Result r = (Processes.Result) e.get(1);
                assertEquals("true", r.json("ok"), e.get(0) + ": " + r.lastLine() + "\n" + r.stderr());
                assertEquals(Digests.sha256(www.resolve("pex.bin")), Digests.sha256(dir.resolve("dl-" + e.get(0)).resolve("pex.bin")));
            }
            // the second leecher learnt the first one's address from the bridge alone ("pex" is libtorrent's
            // peer_info source flag)
            assertTrue(b.lastLine().matches(".*\"127\\.0\\.0\\.1:\\d+\": \\[\"pex\"\\].*"), "b found a via pex: " + b.lastLine());
        } finally {
            pool.shutdownNow();
        }
    }

    private Processes.Result leech(String name, Path torrent, String peer) throws Exception {
        Path save = Files.createDirectories(dir.resolve("dl-" + name));
        return Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent", torrent.toString(),
                "--save", save.toString(), "--peer", peer, "--timeout", "120"), Duration.ofSeconds(150));
    }
}
