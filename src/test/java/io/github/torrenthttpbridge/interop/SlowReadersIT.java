package io.github.torrenthttpbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 * Peers that never read cannot slow anyone else down: four connections that handshake, ask for 1,500 blocks and never
 * read their socket (re-opened as soon as the bridge drops them) run beside an honest libtorrent download, which must
 * keep at least half the rate it has alone (measured in the same run; {@code bench/slow_readers.sh} holds the 0.8x
 * target on a quiet machine). The bridge must also drop the non-readers.
 */
class SlowReadersIT {
    static final int SIZE = 128 * 1024 * 1024;
    static final int ATTACKERS = 4;
    static final int REQUESTS = 1500;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void neverReadingPeersDoNotSlowAnHonestLeecher() throws Exception {
        Path www = dir.resolve("www");
        RandomTorrent made = RandomTorrent.make(www, "slow.bin", SIZE, 77,
                TorrentCreator.Options.defaults().withPieceSize(HostilePeersIT.PIECE));
        Path file = made.file();
        TorrentMetadata t = made.torrent();
        Path torrentFile = made.torrentFile();
        try (FileOrigin origin = new FileOrigin(www);
             TorrentBridge bridge = TorrentBridge.start(BridgeConfig.builder().bindAddress(InetAddress.getLoopbackAddress())
                     .port(0).dht(false).cacheMiB(256).build())) {
            bridge.seed(origin.url("slow.bin"), t);
            int port = bridge.torrentPort();
            leech(torrentFile, port, "warm-up");   // fills the cache: both measured runs are served from memory
            double alone = leech(torrentFile, port, "alone");

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger opened = new AtomicInteger();
            List<Thread> attackers = new ArrayList<>();
            for (int i = 0; i < ATTACKERS; i++) {
                Thread a = new Thread(() -> neverRead(port, t, stop, opened), "never-reader-" + i);
                a.setDaemon(true);
                a.start();
                attackers.add(a);
            }
            long droppedBefore = bridge.peersDropped();
            Thread.sleep(2000);   // the attackers are connected and have their requests in
            double attacked = leech(torrentFile, port, "attacked");
            Thread.sleep(12_000);   // long enough for the stall limit to drop the current ones
            stop.set(true);
            for (Thread a : attackers) {
                a.join(20_000);
            }
            long dropped = bridge.peersDropped() - droppedBefore;
            System.out.printf("slow readers: honest leecher alone %.1f MiB/s, beside %d never-reading peers %.1f MiB/s "
                    + "(%.2fx); %d attacker connections opened, %d dropped%n", alone, ATTACKERS, attacked,
                    attacked / alone, opened.get(), dropped);
            assertTrue(dropped >= ATTACKERS, "the bridge dropped the non-readers: " + dropped);
            assertTrue(attacked >= 0.5 * alone, "honest rate " + attacked + " MiB/s beside non-readers vs " + alone
                    + " MiB/s alone");
        }
    }

    private double leech(Path torrentFile, int port, String name) throws Exception {
        Path save = Files.createDirectories(dir.resolve("dl-" + name));
        Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent",
                torrentFile.toString(), "--save", save.toString(), "--peer", "127.0.0.1:" + port, "--timeout", "90"),
                Duration.ofSeconds(120));
        assertEquals("true", r.json("ok"), name + ": " + r.lastLine() + "\n" + r.stderr());
        assertEquals("0", r.json("hash_failures"), name);
        assertEquals(Digests.sha256(dir.resolve("www/slow.bin")), Digests.sha256(save.resolve("slow.bin")), name);
        return Double.parseDouble(r.json("download_rate_mib_s"));
    }

    /** Opens a connection, asks for 1,500 blocks, never reads; when the bridge drops it, opens the next one. */
    private static void neverRead(int port, TorrentMetadata t, AtomicBoolean stop, AtomicInteger opened) {
        while (!stop.get()) {
            try (HostilePeersIT.RawPeer p = HostilePeersIT.RawPeer.connect(port)) {
                opened.incrementAndGet();
                p.handshake(t);
                p.interestedAndUnchoked();
                int perPiece = HostilePeersIT.PIECE / HostilePeersIT.BLOCK;
                ByteBuffer batch = ByteBuffer.allocate(REQUESTS * 17);
                for (int i = 0; i < REQUESTS; i++) {
                    batch.putInt(13).put((byte) 6).putInt(i / perPiece).putInt(i % perPiece * HostilePeersIT.BLOCK)
                            .putInt(HostilePeersIT.BLOCK);
                }
                p.raw(batch.array());
                while (!stop.get()) {
                    Thread.sleep(500);
                    p.raw(new byte[4]);   // keep-alive: fails once the bridge has closed the connection
                }
            } catch (IOException e) {
                // dropped (or refused): open the next one
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
