package io.github.torrenthttpbridge.interop;

import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.bridge.SeedState;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.origin.OriginClientConfig;
import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.testing.TestOrigin;
import io.github.torrenthttpbridge.torrent.ProgressListener;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Jetty origin misbehaves on cue (500s, connections dropped mid-body, stalls, slowness, a 200 with the
 * whole file, short bodies, redirects to another host) while libtorrent downloads through the bridge: nothing
 * bad reaches the client (also an overflowing {@code Content-Range} and a 2 MiB header flood, which used to leave
 * a fetch pending for good), nothing is left behind (in-flight fetches, read permits, piece claims, pending loads), the peer is choked (not left waiting) while the origin is down, and the download
 * completes once it recovers.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class OriginFaultsIT {
    @TempDir
    Path dir;

    @Test
    void faultsAreRetriedAndNeverForwarded() throws Exception {
        byte[] data = new byte[16 * 1024 * 1024];
        new Random(5).nextBytes(data);
        TorrentMetadata t = TorrentCreator.create(new ByteArrayInputStream(data), data.length, "faulty.bin",
                TorrentCreator.Options.defaults().withPieceSize(262144), ProgressListener.NONE);
        Path tf = dir.resolve("faulty.torrent");
        Files.write(tf, t.encoded());
        TestOrigin.Fault[] kinds = TestOrigin.Fault.values();
        try (TestOrigin origin = new TestOrigin("faulty.bin", data);
             TorrentBridge bridge = TorrentBridge.start(BridgeConfig.builder().bindAddress(InetAddress.getLoopbackAddress())
                     .port(0).dht(false)
                     .origin(OriginClientConfig.defaults().withFollowRedirects(false)
                             .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2))
                             .withRetries(4, Duration.ofMillis(50)))
                     .build())) {
            SeedHandle h = bridge.seed(origin.url(), t);
            // first a 3 s outage (every request answers 500, longer than the retries last: the peer must be choked
            // and come back), then every other range request misbehaves, cycling through every kind of fault
            // (the outage starts with the first range request, however long the client takes to connect)
            java.util.concurrent.atomic.AtomicLong outageEnds = new java.util.concurrent.atomic.AtomicLong();
            origin.faults(n -> {
                outageEnds.compareAndSet(0, System.nanoTime() + 3_000_000_000L);
                return System.nanoTime() < outageEnds.get() ? TestOrigin.Fault.STATUS_500
                        : n % 2 == 0 ? kinds[(n / 2) % kinds.length] : null;
            }, 2500);
            Path save = Files.createDirectories(dir.resolve("dl"));
            Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent", tf.toString(),
                    "--save", save.toString(), "--peer", "127.0.0.1:" + bridge.torrentPort(), "--timeout", "150"),
                    Duration.ofSeconds(180));
            assertEquals("true", r.json("ok"), r.lastLine() + "\n" + r.stderr());
            assertEquals("0", r.json("hash_failures"), "no bad byte reached the client");
            assertEquals(sha(data), Digests.sha256(save.resolve("faulty.bin")));
            assertEquals(SeedState.SEEDING, h.state(), "faults are not changes: the torrent stays healthy");
            assertEquals(0, h.stats().verificationFailures());
            assertTrue(bridge.peersChoked() >= 1, "the peer was choked while the origin was down");
            assertEquals(0, bridge.peersDropped(), "a well-behaved peer is never dropped");
            int injected = origin.injected().values().stream().mapToInt(java.util.concurrent.atomic.AtomicInteger::get).sum();
            for (TestOrigin.Fault f : kinds) {
                assertTrue(origin.injected().containsKey(f), "injected " + f + ": " + origin.injected());
            }
            var counters = awaitIdle(bridge, Duration.ofSeconds(30));
            assertTrue(counters.idle(), "no fetch, permit, claim, pin or load left behind after the faults: " + counters);
            System.out.printf("origin faults injected: %d %s; peer choked %d times; download %s MiB/s in %s s%n", injected,
                    origin.injected(), bridge.peersChoked(), r.json("download_rate_mib_s"), r.json("seconds"));
        }
    }

    /** Waits until the bridge's leak counters are all 0 (the leecher has gone); returns the last reading. */
    static io.github.torrenthttpbridge.bridge.BridgeCounters awaitIdle(TorrentBridge bridge, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        var c = bridge.counters();
        while (!c.idle() && System.nanoTime() < end) {
            Thread.sleep(100);
            c = bridge.counters();
        }
        return c;
    }

    static String sha(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
    }
}
