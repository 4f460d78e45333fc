package io.github.torrenthttpbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.bridge.BridgeCounters;
import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.bridge.SeedStats;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.testing.TestOrigin;
import io.github.torrenthttpbridge.torrent.ProgressListener;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight libtorrent leechers at once download a file eight times the size of the bridge's memory cache: the origin
 * serves it about once (counted at the origin), every copy is identical, the disk tier stays under its cap, and
 * once the leechers are gone nothing is left pinned, claimed, loading or in flight. (Before the disk tier and the
 * pinned memory tier, the same case cost the origin 8.00 copies of the file.) The time is not asserted.
 */
@Timeout(900)
class OriginRatioIT {
    static final int LEECHERS = 8;
    static final int SIZE = 128 << 20;
    static final int MEMORY_MIB = 16;
    static final int DISK_MIB = 256;

    @TempDir
    Path dir;

    @Test
    void eightLeechersCostTheOriginAboutOneCopy() throws Exception {
        byte[] data = new byte[SIZE];
        Random r = new Random(9);
        r.nextBytes(data);
        TorrentMetadata t = TorrentCreator.create(new ByteArrayInputStream(data), data.length, "ratio.bin",
                TorrentCreator.Options.defaults().withPieceSize(262144), ProgressListener.NONE);
        Path tf = dir.resolve("ratio.torrent");
        Files.write(tf, t.encoded());
        Path diskDir = dir.resolve("disk-cache");
        try (TestOrigin origin = new TestOrigin("ratio.bin", data);
             TorrentBridge bridge = TorrentBridge.start(BridgeConfig.builder().bindAddress(InetAddress.getLoopbackAddress())
                     .port(0).dht(false).cacheMiB(MEMORY_MIB).diskCacheMiB(DISK_MIB).diskCacheDir(diskDir).build())) {
            SeedHandle h = bridge.seed(origin.url(), t);
            long before = origin.rangeBytes();
            List<Processes.Background> leechers = new ArrayList<>();
            List<Path> saves = new ArrayList<>();
            long maxDisk = 0;
            long t0 = System.nanoTime();
            try {
                for (int i = 0; i < LEECHERS; i++) {
                    Path save = Files.createDirectories(dir.resolve("dl" + i));
                    saves.add(save);
                    leechers.add(Processes.start(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent",
                            tf.toString(), "--save", save.toString(), "--peer", "127.0.0.1:" + bridge.torrentPort(),
                            "--timeout", "780", "--no-pex")));   // each gets the whole file from the bridge
                }
                for (Processes.Background l : leechers) {
                    String ok = l.await("\"ok\": (true|false)", Duration.ofSeconds(800));
                    assertEquals("true", ok, l.stderr());
                    maxDisk = Math.max(maxDisk, spanBytes(diskDir));
                }
            } finally {
                for (Processes.Background l : leechers) {
                    l.close();
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            String expected = OriginFaultsIT.sha(data);
            for (Path save : saves) {
                assertEquals(expected, Digests.sha256(save.resolve("ratio.bin")), "bytes identical in " + save);
            }
            long originBytes = origin.rangeBytes() - before;
            double ratio = (double) originBytes / SIZE;
            SeedStats s = h.stats();
            BridgeCounters c = OriginFaultsIT.awaitIdle(bridge, Duration.ofSeconds(30));
            System.out.printf("origin ratio: %d leechers, %d MiB file, %d MiB memory + %d MiB disk: origin served %.3f copies"
                            + " (%d requests); bridge uploaded %d MiB (origin/uploaded %.3f), memory hits %d, disk hits %d;"
                            + " %.0f s; counters at the end %s%n", LEECHERS, SIZE >> 20, MEMORY_MIB, DISK_MIB, ratio,
                    origin.rangeRequests(), s.uploaded() >> 20, s.originRatio(), s.cacheHits(), s.diskHits(), seconds, c);
            assertTrue(ratio <= 1.2, "the origin served " + ratio + " copies of the file for " + LEECHERS + " leechers");
            assertTrue(s.uploaded() >= (long) LEECHERS * SIZE, "every leecher got the whole file from the bridge");
            assertEquals(originBytes, s.originBytes(), "the bridge counts what the origin sent");
            assertEquals(0, s.verificationFailures());
            assertEquals(0, s.diskFailures());
            assertTrue(maxDisk <= (long) DISK_MIB << 20, "disk tier within its cap: " + maxDisk);
            assertTrue(c.diskBytes() <= (long) DISK_MIB << 20);
            assertTrue(c.idle(), "nothing left pinned, claimed, loading or in flight: " + c);
        }
    }

    static long spanBytes(Path dir) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(".span")).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
