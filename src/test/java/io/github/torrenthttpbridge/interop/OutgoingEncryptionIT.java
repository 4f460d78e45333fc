package io.github.torrenthttpbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.FileOrigin;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.testing.RandomTorrent;
import io.github.torrenthttpbridge.torrent.ProgressListener;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge dials a leecher that only speaks encrypted (libtorrent with RC4 forced both ways, the way leechers that
 * announced to the built-in tracker are reached): its plaintext attempt is refused, the MSE one (RC4) goes through,
 * and the download completes with identical bytes.
 */
class OutgoingEncryptionIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theBridgeDialsAnEncryptionOnlyLeecher() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        Path file = www.resolve("enc.bin");
        RandomTorrent.write(file, 16 * 1024 * 1024, 5);
        TorrentMetadata t;
        try (InputStream in = Files.newInputStream(file)) {
            t = TorrentCreator.create(in, Files.size(file), "enc.bin", TorrentCreator.Options.defaults(),
                    ProgressListener.NONE);
        }
        Path tf = dir.resolve("enc.torrent");
        Files.write(tf, t.encoded());
        int leechPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            leechPort = s.getLocalPort();
        }
        try (FileOrigin origin = new FileOrigin(www);
             TorrentBridge bridge = TorrentBridge.start(BridgeConfig.builder()
                     .bindAddress(InetAddress.getLoopbackAddress()).port(0).dht(false).build());
             Processes.Background leech = Processes.start(List.of("/usr/bin/python3", Processes.python("leech.py"),
                     "--torrent", tf.toString(), "--save", dir.resolve("dl").toString(), "--force-rc4",
                     "--listen", "127.0.0.1:" + leechPort, "--timeout", "90"))) {
            SeedHandle h = bridge.seed(origin.url("enc.bin"), t);
            Thread.sleep(1500);   // libtorrent is listening
            InetSocketAddress leecher = new InetSocketAddress(InetAddress.getLoopbackAddress(), leechPort);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (h.stats().uploaded() == 0 && System.nanoTime() < deadline) {
                bridge.connectTo(t.infoHash(), leecher);
                Thread.sleep(1000);
            }
            String line = leech.await("^(\\{.*\\})$", Duration.ofSeconds(120));
            Processes.Result r = new Processes.Result(0, line, "");
            assertEquals("true", r.json("ok"), line + "\n" + leech.stderr());
            assertEquals(Digests.sha256(file), Digests.sha256(dir.resolve("dl/enc.bin")));
            System.out.println("outgoing MSE: " + line);
        }
    }
}
