package io.github.torrenthttpbridge.interop;

import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.FileOrigin;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.testing.RandomTorrent;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload cap holds end to end: capped at 4 MiB/s (one second's worth may burst), a 24 MiB download by
 * libtorrent, which alone runs at 100+ MiB/s here, takes about five seconds and arrives intact.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class UploadCapIT {
    static final int SIZE = 24 * 1024 * 1024;
    static final long CAP = 4L * 1024 * 1024;
    @TempDir
    Path dir;

    @Test
    void uploadsStayUnderTheCap() throws Exception {
        Path www = dir.resolve("www");
        RandomTorrent made = RandomTorrent.make(www, "capped.bin", SIZE, 24, TorrentCreator.Options.defaults());
        TorrentMetadata t = made.torrent();
        Path tf = made.torrentFile();
        try (FileOrigin origin = new FileOrigin(www);
             TorrentBridge bridge = TorrentBridge.start(BridgeConfig.builder().bindAddress(InetAddress.getLoopbackAddress())
                     .port(0).dht(false).maxUploadBytesPerSecond(CAP).build())) {
            bridge.seed(origin.url("capped.bin"), t);
            Path save = Files.createDirectories(dir.resolve("dl"));
            long start = System.nanoTime();
            Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent", tf.toString(),
                    "--save", save.toString(), "--peer", "127.0.0.1:" + bridge.torrentPort(), "--timeout", "60"), Duration.ofSeconds(90));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals("true", r.json("ok"), r.lastLine() + "\n" + r.stderr());
            assertEquals(Digests.sha256(www.resolve("capped.bin")), Digests.sha256(save.resolve("capped.bin")));
            double transfer = Double.parseDouble(r.json("transfer_seconds"));
            // (24 MiB - 4 MiB burst) / 4 MiB/s = 5 s at the least; the rate must not exceed the cap by much
            assertTrue(transfer >= 4.0, "transfer took " + transfer + " s: the cap did not hold");
            double rate = SIZE / 1048576.0 / transfer;
            assertTrue(rate <= CAP / 1048576.0 * 1.5, "rate " + rate + " MiB/s against a 4 MiB/s cap");
            System.out.printf("upload cap 4 MiB/s: libtorrent took %.1f s for 24 MiB (%.1f MiB/s), %.1f s in all%n",
                    transfer, rate, seconds);
        }
    }
}
