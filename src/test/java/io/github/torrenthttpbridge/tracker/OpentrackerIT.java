package io.github.torrenthttpbridge.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.InfoHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TrackerClient} against Debian's {@code opentracker} on 127.0.0.1: it must be run as another user
 * ({@code -u nobody}), chroots to {@code -d DIR} (so the whitelist path is relative to it) and tracks only the info
 * hashes in its whitelist.
 */
public class OpentrackerIT {
    static final InfoHash LISTED = InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567");
    static final InfoHash UNLISTED = InfoHash.fromHex("89abcdef0123456789abcdef0123456789abcdef");
    static final byte[] PEER_ID = "-TB0100-000000000002".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    static AnnounceRequest request(InfoHash h, int port, long left) {
        return new AnnounceRequest(h, PEER_ID, port, 0, 0, left, AnnounceRequest.Event.STARTED, 50, 9);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void announcesLearnPeersAndUnlistedTorrentsAreRefused() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("whitelist"), LISTED.hex() + "\n");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        try (Processes.Background tracker = Processes.start(List.of("opentracker", "-i", "127.0.0.1", "-p",
                String.valueOf(port), "-P", String.valueOf(port), "-d", dir.toString(), "-u", "nobody", "-w", "whitelist"));
             TrackerClient client = new TrackerClient(TrackerClientConfig.defaults())) {
            awaitListening(port);
            String url = "http://127.0.0.1:" + port + "/announce";
            // opentracker accepts connections a moment before it answers them (it drops privileges and reads its
            // whitelist after binding): the first announce is retried for up to 10 s
            AnnounceResult seed = null;
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); seed == null; ) {
                try {
                    seed = client.announce(url, request(LISTED, 7001, 0)).get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (System.nanoTime() > end) {
                        throw e;
                    }
                    Thread.sleep(250);
                }
            }
            assertTrue(seed.interval().getSeconds() > 0, seed.toString());
            assertTrue(seed.minInterval().isPresent(), "opentracker sends a min interval: " + seed);
            AnnounceResult leech = client.announce(url, request(LISTED, 7002, 1000)).get(10, TimeUnit.SECONDS);
            assertTrue(leech.peers().contains(new InetSocketAddress("127.0.0.1", 7001)),
                    "the seed is listed to the leecher: " + leech.peers());
            assertEquals(1, leech.seeders());
            // opentracker closes each connection after answering (HTTP/1.1, no "Connection: close"): back-to-back
            // announces must not be sent on a connection it has already closed
            for (int i = 0; i < 30; i++) {
                AnnounceResult again = client.announce(url, request(LISTED, 7002, 1000)).get(10, TimeUnit.SECONDS);
                assertEquals(1, again.seeders(), "announce " + i);
            }
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> client.announce(url, request(UNLISTED, 7001, 0)).get(10, TimeUnit.SECONDS));
            assertTrue(refused.getCause() instanceof TrackerException
                    && refused.getCause().getMessage().contains("not authorized"), refused.getCause().toString());
        }
    }

    public static void awaitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("opentracker did not listen on " + port);
    }
}
