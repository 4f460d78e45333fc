package io.github.torrenthttpbridge.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.testing.TestOrigin;
import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * UDP trackers (BEP 15): {@link TrackerClient} against Debian's opentracker over UDP, against a hand-made tracker
 * that stays silent, answers with the wrong transaction or garbage, and end to end: the CLI's bridge announces over
 * UDP and a libtorrent leecher that knows only that tracker downloads from it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class UdpTrackerIT {
    static final byte[] PEER_ID = "-TB0100-000000000003".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    static AnnounceRequest request(InfoHash h, int port, long left) {
        return new AnnounceRequest(h, PEER_ID, port, 0, 0, left, AnnounceRequest.Event.STARTED, 50, 9);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** opentracker on 127.0.0.1 (TCP and UDP on one port), tracking only {@code listed}. */
    Processes.Background opentracker(int port, InfoHash... listed) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        StringBuilder w = new StringBuilder();
        for (InfoHash h : listed) {
            w.append(h.hex()).append('\n');
        }
        Files.writeString(dir.resolve("whitelist"), w);
        Processes.Background t = Processes.start(List.of("opentracker", "-i", "127.0.0.1", "-p", String.valueOf(port),
                "-P", String.valueOf(port), "-d", dir.toString(), "-u", "nobody", "-w", "whitelist"));
        OpentrackerIT.awaitListening(port);
        return t;
    }

    /** The first announce is retried for a few seconds: opentracker binds before it has read its whitelist. */
    static AnnounceResult firstAnnounce(TrackerClient client, String url, AnnounceRequest r) throws Exception {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); ; ) {
            try {
                return client.announce(url, r).get(40, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    @Test
    void announcesToOpentrackerOverUdp() throws Exception {
        InfoHash listed = InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567");
        InfoHash unlisted = InfoHash.fromHex("89abcdef0123456789abcdef0123456789abcdef");
        int port = freePort();
        try (Processes.Background tracker = opentracker(port, listed);
             TrackerClient client = new TrackerClient(TrackerClientConfig.defaults())) {
            String url = "udp://127.0.0.1:" + port + "/announce";
            assertTrue(TrackerClient.supports(url));
            AnnounceResult seed = firstAnnounce(client, url, request(listed, 7001, 0));
            assertTrue(seed.interval().getSeconds() > 0, seed.toString());
            AnnounceResult leech = client.announce(url, request(listed, 7002, 1000)).get(40, TimeUnit.SECONDS);
            assertTrue(leech.peers().contains(new InetSocketAddress("127.0.0.1", 7001)), "the seed is listed: " + leech.peers());
            assertEquals(1, leech.seeders());
            for (int i = 0; i < 30; i++) {   // one connection id serves them all (valid a minute)
                assertEquals(1, client.announce(url, request(listed, 7002, 1000)).get(40, TimeUnit.SECONDS).seeders(), "announce " + i);
            }
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> client.announce(url, request(unlisted, 7001, 0)).get(40, TimeUnit.SECONDS));
            assertTrue(refused.getCause() instanceof TrackerException && refused.getCause().getMessage().contains("refused"),
                    refused.getCause().toString());
            assertEquals(0, inFlightSettled(client), "no exchange left behind");
            assertEquals(32, client.announcesSent(), "seed, leech and 30 more");
            assertEquals(1, client.announcesFailed());
        }
    }

    /** A tracker made here: each datagram it receives is handed to {@code reply}, which may answer any number of times. */
    static final class HandMadeTracker implements AutoCloseable {
        interface Reply {
            void to(DatagramSocket s, DatagramPacket request, int count) throws Exception;
        }

        final DatagramSocket socket;
        final AtomicInteger received = new AtomicInteger();
        final Thread thread;

        HandMadeTracker(Reply reply) throws Exception {
            socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            thread = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                        reply.to(socket, p, received.incrementAndGet());
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "hand-made-tracker");
            thread.setDaemon(true);
            thread.start();
        }

        String url() {
            return "udp://127.0.0.1:" + socket.getLocalPort();
        }

        static void send(DatagramSocket s, DatagramPacket to, ByteBuffer b) throws Exception {
            s.send(new DatagramPacket(b.array(), b.arrayOffset() + b.position(), b.remaining(), to.getSocketAddress()));
        }

        static int tid(DatagramPacket p) {
            return ByteBuffer.wrap(p.getData(), p.getOffset(), p.getLength()).getInt(12);
        }

        static int action(DatagramPacket p) {
            return ByteBuffer.wrap(p.getData(), p.getOffset(), p.getLength()).getInt(8);
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    @Test
    void silentWrongAndHostileTrackersFailCleanlyWithinTheDeadline() throws Exception {
        InfoHash h = InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567");
        TrackerClientConfig config = TrackerClientConfig.builder().connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(5)).build();
        try (TrackerClient client = new TrackerClient(config)) {
            // silent: the connect request is resent (after 2 s, then 4 s) and the announce times out at its deadline
            try (HandMadeTracker silent = new HandMadeTracker((s, p, n) -> { })) {
                long t0 = System.nanoTime();
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> client.announce(silent.url(), request(h, 7001, 0)).get(30, TimeUnit.SECONDS));
                double seconds = (System.nanoTime() - t0) / 1e9;
                assertTrue(e.getCause() instanceof TimeoutException, e.getCause().toString());
                assertTrue(seconds >= 4.5 && seconds < 8, "gave up at the 5 s deadline, not " + seconds);
                assertEquals(2, silent.received.get(), "sent at 0 s and resent at 2 s (the next resend would be past the deadline)");
            }
            // answers with a wrong transaction id or action are dropped; the right one then counts; an error
            // answer to the announce is the tracker's message
            try (HandMadeTracker wrong = new HandMadeTracker((s, p, n) -> {
                int tid = HandMadeTracker.tid(p);
                if (HandMadeTracker.action(p) == 0) {
                    HandMadeTracker.send(s, p, ByteBuffer.allocate(16).putInt(0).putInt(tid + 1).putLong(42).flip());
                    HandMadeTracker.send(s, p, ByteBuffer.allocate(16).putInt(1).putInt(tid).putLong(42).flip());
                    HandMadeTracker.send(s, p, ByteBuffer.allocate(16).putInt(0).putInt(tid).putLong(42).flip());
                } else {
                    long cid = ByteBuffer.wrap(p.getData(), p.getOffset(), p.getLength()).getLong(0);
                    byte[] m = (cid == 42 ? "go away\u0000" : "bad connection id").getBytes(StandardCharsets.US_ASCII);
                    HandMadeTracker.send(s, p, ByteBuffer.allocate(8 + m.length).putInt(3).putInt(tid).put(m).flip());
                }
            })) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> client.announce(wrong.url(), request(h, 7001, 0)).get(30, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof TrackerException && e.getCause().getMessage().equals("go away"),
                        e.getCause().toString());
            }
            // garbage: a 12-byte announce answer, then a flood of 1,000 stray datagrams does not disturb the next one
            try (HandMadeTracker garbage = new HandMadeTracker((s, p, n) -> {
                int tid = HandMadeTracker.tid(p);
                if (HandMadeTracker.action(p) == 0) {
                    HandMadeTracker.send(s, p, ByteBuffer.allocate(16).putInt(0).putInt(tid).putLong(7).flip());
                } else {
                    HandMadeTracker.send(s, p, ByteBuffer.allocate(12).putInt(1).putInt(tid).putInt(1800).flip());
                }
            })) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> client.announce(garbage.url(), request(h, 7001, 0)).get(30, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof TrackerException, e.getCause().toString());
            }
            assertEquals(0, inFlightSettled(client), "no exchange left behind after timeouts, errors and garbage");
            assertEquals(0, client.announcesSent());
            assertEquals(3, client.announcesFailed());
        }
    }

    @Test
    void theBridgeAnnouncesOverUdpAndLibtorrentFindsItThere() throws Exception {
        byte[] data = new byte[6_000_000];
        new Random(15).nextBytes(data);
        int port = freePort();
        String tracker = "udp://127.0.0.1:" + port + "/announce";
        try (TestOrigin origin = new TestOrigin("udp.bin", data)) {
            Path torrent = dir.resolve("udp.torrent");
            Processes.Result made = Processes.run(Processes.cli("create", origin.url().toString(), "-o", torrent.toString(),
                    "--tracker", tracker, "--no-webseed"), Duration.ofSeconds(60));
            assertEquals(0, made.exitCode(), made.stderr());
            TorrentMetadata t = TorrentMetadata.parse(Files.readAllBytes(torrent));
            try (Processes.Background ot = opentracker(port, t.infoHash());
                 Processes.Background seed = Processes.start(Processes.cli("seed", origin.url().toString(), "--torrent", torrent.toString(),
                         "--no-dht", "--bind", "127.0.0.1", "--port", "0"));
                 TrackerClient client = new TrackerClient(TrackerClientConfig.defaults())) {
                int bridgePort = Integer.parseInt(seed.await("torrent port: +(\\d+)", Duration.ofSeconds(30)));
                // wait until opentracker lists the bridge (its first announce is spread over up to 30 s) ...
                InetSocketAddress bridge = new InetSocketAddress("127.0.0.1", bridgePort);
                List<InetSocketAddress> listed = new ArrayList<>();
                for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); !listed.contains(bridge); Thread.sleep(500)) {
                    assertTrue(System.nanoTime() < end, "the bridge never announced over UDP: " + listed + "\n" + seed.stderr());
                    listed = firstAnnounce(client, tracker, request(t.infoHash(), 7009, 1)).peers();
                }
                // ... then a leecher that knows only the tracker (no DHT, no web seed, no peer given) downloads
                Path save = Files.createDirectories(dir.resolve("leech"));
                Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent",
                        torrent.toString(), "--save", save.toString(), "--timeout", "60"), Duration.ofSeconds(90));
                assertEquals("true", r.json("ok"), r.stdout() + r.stderr());
                assertTrue(r.lastLine().contains("\"127.0.0.1:" + bridgePort + "\": [\"tracker\"]"),
                        "the bridge was found through the tracker: " + r.lastLine());
                assertTrue(java.util.Arrays.equals(data, Files.readAllBytes(save.resolve("udp.bin"))), "bytes differ");
            }
        }
    }


    /**
     * Exchanges in flight once the client's own clean-up has run: it removes an exchange in a callback of the answer,
     * which may run just after the caller's future completed (on the receiving thread).
     */
    private static int inFlightSettled(TrackerClient client) throws InterruptedException {
        long end = System.nanoTime() + 2_000_000_000L;
        while (client.udpInFlight() != 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        return client.udpInFlight();
    }
}
