package io.github.torrenthttpbridge.interop;

import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile peers, written here with raw sockets (BEP 3 framing by hand), attack a bridge seeding a file from a real
 * Jetty origin while libtorrent downloads the same torrent from it. Each attack uses its own connection; the bridge
 * must close every one of them within {@link #DROP_WITHIN} and count it in {@code peersDropped()}, and libtorrent
 * must finish with identical bytes and no hash failure.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HostilePeersIT {
    /** Not a multiple of the piece size, so the last piece is short and "beyond the file end" is a real case. */
    static final int SIZE = 320 * 1024 * 1024 - 100_000;
    /**
     * libtorrent's download rate limit: unthrottled it would finish in ~3 s on loopback, before most attacks are
     * made; at this rate the download lasts ~13 s and spans them all (checked below).
     */
    static final int LEECH_MIB_S = 24;
    static final int PIECE = 256 * 1024;
    static final int BLOCK = 16 * 1024;
    static final Duration DROP_WITHIN = Duration.ofSeconds(15);
    /**
     * Small on purpose (the default is 2048): the flood must trip it at once. libtorrent keeps far fewer requests
     * outstanding towards one peer, so it never comes near it.
     */
    static final int MAX_OUTSTANDING = 500;

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeEverything() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                System.err.println("closing " + open.get(i) + ": " + e);
            }
        }
        open.clear();
    }

    private <T extends AutoCloseable> T opened(T c) {
        open.add(c);
        return c;
    }

    @Test
    void hostilePeersAreDroppedWhileLibtorrentDownloadsUnaffected() throws Exception {
        Path www = dir.resolve("www");
        RandomTorrent made = RandomTorrent.make(www, "target.bin", SIZE, 31, TorrentCreator.Options.defaults().withPieceSize(PIECE));
        Path file = made.file();
        TorrentMetadata t = made.torrent();
        Path torrentFile = made.torrentFile();

        FileOrigin origin = opened(new FileOrigin(www));
        TorrentBridge bridge = opened(TorrentBridge.start(BridgeConfig.builder()
                .bindAddress(InetAddress.getLoopbackAddress()).port(0).dht(false)
                .maxOutstandingPerPeer(MAX_OUTSTANDING).build()));
        SeedHandle h = bridge.seed(origin.url("target.bin"), t);
        int port = bridge.torrentPort();

        Path save = Files.createDirectories(dir.resolve("dl"));
        Processes.Background leech = opened(Processes.start(List.of("/usr/bin/python3", Processes.python("leech.py"),
                "--torrent", torrentFile.toString(), "--save", save.toString(),
                "--peer", "127.0.0.1:" + port, "--max-rate-mib", Integer.toString(LEECH_MIB_S), "--timeout", "50")));
        // attack while libtorrent is actually transferring
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (h.stats().uploaded() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(h.stats().uploaded() > 0, "libtorrent started downloading");

        UploadPauses pauses = opened(new UploadPauses(h));
        Attacks attacks = new Attacks(port, t);
        List<String> log = new ArrayList<>();
        long attacksStart = System.nanoTime();
        for (Attack a : attacks.all()) {
            long before = a.counter().applyAsLong(bridge);
            long start = System.nanoTime();
            String outcome = a.run();
            long ms = (System.nanoTime() - start) / 1_000_000;
            long after = waitForCount(() -> a.counter().applyAsLong(bridge), before);
            log.add(String.format("%-36s %5d ms  %s  (counter %d -> %d)", a.name(), ms, outcome, before, after));
            System.out.println("attack: " + log.get(log.size() - 1));
            assertTrue(after > before, "the bridge counted " + a.name() + ": " + log);
        }
        long attacksMs = (System.nanoTime() - attacksStart) / 1_000_000;
        assertTrue(leech.isAlive(), "libtorrent was still downloading when the last attack ended");

        String line = leech.await("^(\\{.*\\})$", Duration.ofSeconds(60));
        long leechMs = (long) (Double.parseDouble(new Processes.Result(0, line, "").json("seconds")) * 1000);
        Processes.Result r = new Processes.Result(0, line, "");
        pauses.close();
        assertEquals("true", r.json("ok"), line + "\n" + leech.stderr());
        assertEquals("0", r.json("hash_failures"), line);
        assertEquals(Digests.sha256(file), Digests.sha256(save.resolve("target.bin")), "libtorrent got identical bytes");
        assertEquals(0, h.stats().verificationFailures());
        assertTrue(pauses.longestMillis() < 1000, "no attacker may pause the honest peer's upload: the longest pause was "
                + pauses.longestMillis() + " ms");
        System.out.printf("hostile peers: %d attacks made, %d peers dropped, %d handshakes refused; attacks took %.1f s"
                        + " of libtorrent's %.1f s; libtorrent %s MiB/s (limit %d), longest upload pause %.1f s,"
                        + " %s hash failures%n", attacks.all().size(), bridge.peersDropped(), bridge.handshakesRefused(),
                attacksMs / 1000.0, leechMs / 1000.0, r.json("download_rate_mib_s"), LEECH_MIB_S,
                pauses.longestMillis() / 1000.0, r.json("hash_failures"));
    }

    /**
     * The other side of the flood limit: an honest peer that asks for many blocks and cancels them (libtorrent
     * does so in end-game mode) must not creep towards the limit. Three rounds of 80 requests, each cancelled
     * while the (slow) origin is still fetching, under a limit of 100: the peer stays connected and is served.
     */
    @Test
    void cancelledRequestsDoNotCountTowardsTheFloodLimit() throws Exception {
        byte[] data = new byte[32 * 1024 * 1024];
        new Random(41).nextBytes(data);
        TorrentMetadata t = TorrentCreator.create(new java.io.ByteArrayInputStream(data), data.length, "cancel.bin",
                TorrentCreator.Options.defaults().withPieceSize(PIECE), ProgressListener.NONE);
        io.github.torrenthttpbridge.testing.TestOrigin origin = opened(new io.github.torrenthttpbridge.testing.TestOrigin("cancel.bin", data));
        origin.faults(n -> io.github.torrenthttpbridge.testing.TestOrigin.Fault.SLOW, 0);   // every range answer 300 ms late
        TorrentBridge bridge = opened(TorrentBridge.start(BridgeConfig.builder()
                .bindAddress(InetAddress.getLoopbackAddress()).port(0).dht(false)
                .maxOutstandingPerPeer(100).build()));
        bridge.seed(origin.url(), t);
        RawPeer peer = null;
        for (long end = System.nanoTime() + 10_000_000_000L; peer == null; ) {   // until Bt has started the torrent
            RawPeer p = RawPeer.connect(bridge.torrentPort());
            try {
                p.handshake(t);
                peer = opened(p);
            } catch (IOException e) {
                p.close();
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        peer.interestedAndUnchoked();
        int blocksPerPiece = PIECE / BLOCK;
        // 3 x 80 cancelled requests: more than the 100 a peer may have outstanding, fewer than the 256 cancels beyond
        // the blocks taken that the bridge takes for request/cancel churn (a peer over that is choked: WireBudgetsIT)
        int perRound = 80;
        for (int round = 0; round < 3; round++) {
            ByteBuffer requests = ByteBuffer.allocate(perRound * 17);
            ByteBuffer cancels = ByteBuffer.allocate(perRound * 17);
            for (int i = 0; i < perRound; i++) {
                int block = round * perRound + i;   // fresh blocks each round: nothing cached yet
                int piece = block / blocksPerPiece;
                int offset = block % blocksPerPiece * BLOCK;
                requests.putInt(13).put((byte) 6).putInt(piece).putInt(offset).putInt(BLOCK);
                cancels.putInt(13).put((byte) 8).putInt(piece).putInt(offset).putInt(BLOCK);
            }
            peer.raw(requests.array());
            peer.raw(cancels.array());
            peer.drainFor(Duration.ofMillis(1500));   // the fetches end; Bt discards the cancelled blocks
        }
        assertEquals(0, bridge.peersDropped(), "an honest peer that cancels is not taken for a flooder");
        // still connected and served: one more request gets its block
        peer.message(6, ByteBuffer.allocate(12).putInt(0).putInt(0).putInt(BLOCK).array());
        assertTrue(peer.awaitPiece(Duration.ofSeconds(10)), "the peer is still served after 240 cancelled requests");
    }

    /** The counter is raised by the bridge's threads, possibly just after the socket saw the close. */
    private static long waitForCount(java.util.function.LongSupplier counter, long before) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (counter.getAsLong() <= before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return counter.getAsLong();
    }

    /** Samples the bytes the bridge uploaded every 50 ms and keeps the longest time they did not grow (to any peer). */
    static final class UploadPauses implements AutoCloseable {
        private final Thread thread;
        private volatile long longestNanos;

        UploadPauses(SeedHandle h) {
            thread = new Thread(() -> {
                long last = h.stats().uploaded();
                long since = System.nanoTime();
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                    long now = System.nanoTime();
                    long up = h.stats().uploaded();
                    if (up != last) {
                        // only pauses that ended count: the one after the download is over does not
                        longestNanos = Math.max(longestNanos, now - since);
                        last = up;
                        since = now;
                    }
                }
            }, "upload-pauses");
            thread.setDaemon(true);
            thread.start();
        }

        long longestMillis() {
            return longestNanos / 1_000_000;
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join(5000);
        }
    }

    interface Body {
        /** Attacks; returns how the bridge reacted (throws if the connection outlived {@link #DROP_WITHIN}). */
        String run() throws Exception;
    }

    /** An attack and the bridge counter it must raise. */
    record Attack(String name, java.util.function.ToLongFunction<TorrentBridge> counter, Body body) {
        String run() throws Exception {
            return body.run();
        }
    }

    /** The attacks, each on a fresh connection. */
    static final class Attacks {
        final int port;
        final TorrentMetadata t;

        Attacks(int port, TorrentMetadata t) {
            this.port = port;
            this.t = t;
        }

        private static Attack attack(String name, Body body) {
            return new Attack(name, TorrentBridge::peersDropped, body);
        }

        List<Attack> all() {
            int last = t.pieceCount() - 1;
            return List.of(
                    // 1. malformed messages
                    attack("length prefix 2^31-1", () -> {
                        try (RawPeer p = RawPeer.connect(port)) {
                            p.handshake(t);
                            p.raw(ByteBuffer.allocate(9).putInt(Integer.MAX_VALUE).put((byte) 7).putInt(0).array());
                            return p.awaitDropped();
                        }
                    }),
                    attack("unknown message id 0x42 + garbage", () -> {
                        try (RawPeer p = RawPeer.connect(port)) {
                            p.handshake(t);
                            byte[] garbage = new byte[200];
                            new Random(1).nextBytes(garbage);
                            p.message(0x42, garbage);
                            return p.awaitDropped();
                        }
                    }),
                    attack("truncated request (length 9)", () -> {
                        try (RawPeer p = RawPeer.connect(port)) {
                            p.handshake(t);
                            p.interestedAndUnchoked();
                            // a request without its length field, then a keep-alive
                            p.raw(ByteBuffer.allocate(17).putInt(9).put((byte) 6).putInt(0).putInt(0).putInt(0).array());
                            return p.awaitDropped();
                        }
                    }),
                    // never a peer: counted as a refused handshake (as libtorrent's encrypted first attempt is), not a dropped peer
                    new Attack("garbage instead of handshake", TorrentBridge::handshakesRefused, () -> {
                        try (RawPeer p = RawPeer.connect(port)) {
                            byte[] garbage = new byte[4096];
                            new Random(2).nextBytes(garbage);
                            garbage[0] = 0x7f; // not the 19 of a handshake
                            p.raw(garbage);
                            return p.awaitDropped();
                        }
                    }),
                    // 2. requests outside the torrent
                    attack("request piece index = piece count", () -> request(t.pieceCount(), 0, BLOCK)),
                    attack("request offset+length > piece size", () -> request(0, PIECE - BLOCK / 2, BLOCK)),
                    attack("request beyond the file end", () -> request(last, t.pieceSize(last) - BLOCK / 2, BLOCK)),
                    attack("request negative offset", () -> request(0, -BLOCK, BLOCK)),
                    // 3. oversized block
                    attack("request length 1 MiB", () -> request(0, 0, 1 << 20)),
                    // 4. flood
                    attack("flood of 20,000 requests", () -> {
                        try (RawPeer p = RawPeer.connect(port)) {
                            p.handshake(t);
                            p.interestedAndUnchoked();
                            ByteBuffer all = ByteBuffer.allocate(20_000 * 17);
                            for (int i = 0; i < 20_000; i++) {
                                int piece = i % t.pieceCount();
                                all.putInt(13).put((byte) 6).putInt(piece).putInt(0).putInt(BLOCK);
                            }
                            try {
                                p.raw(all.array());
                            } catch (IOException e) {
                                return "reset while flooding (" + e.getMessage() + ")";
                            }
                            return p.awaitDropped();
                        }
                    }),
                    // 5. never reads
                    attack("never reads its socket", () -> {
                        try (RawPeer p = RawPeer.connect(port)) {
                            p.handshake(t);
                            p.interestedAndUnchoked();
                            return p.requestWithoutReading(t);
                        }
                    }));
        }

        private String request(int piece, int offset, int length) throws IOException {
            try (RawPeer p = RawPeer.connect(port)) {
                p.handshake(t);
                p.interestedAndUnchoked();
                p.message(6, ByteBuffer.allocate(12).putInt(piece).putInt(offset).putInt(length).array());
                return p.awaitDropped();
            }
        }
    }

    /** A BitTorrent peer by hand: blocking socket, BEP 3 handshake and length-prefixed messages. */
    static final class RawPeer implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        private RawPeer(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        static RawPeer connect(int port) throws IOException {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            s.setSoTimeout(5000);
            s.setTcpNoDelay(true);
            return new RawPeer(s);
        }

        void raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        void message(int id, byte[] payload) throws IOException {
            raw(ByteBuffer.allocate(5 + payload.length).putInt(1 + payload.length).put((byte) id).put(payload).array());
        }

        void handshake(TorrentMetadata t) throws IOException {
            ByteBuffer hs = ByteBuffer.allocate(68);
            hs.put((byte) 19).put("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII)).put(new byte[8])
                    .put(t.infoHash().bytes()).put("-HP0001-hostilepeer!".getBytes(StandardCharsets.US_ASCII));
            raw(hs.array());
            byte[] reply = new byte[68];
            in.readFully(reply);
            if (reply[0] != 19 || !Arrays.equals(Arrays.copyOfRange(reply, 28, 48), t.infoHash().bytes())) {
                throw new IOException("unexpected handshake reply");
            }
        }

        /** Sends interested and reads until the bridge unchokes us (requests while choked are ignored, per BEP 3). */
        void interestedAndUnchoked() throws IOException {
            message(2, new byte[0]);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline) {
                int len = in.readInt();
                if (len == 0) {
                    continue;
                }
                int id = in.readUnsignedByte();
                in.skipNBytes(len - 1);
                if (id == 1) {
                    return;
                }
            }
            throw new IOException("not unchoked within 10 s");
        }

        /** Reads and discards whatever arrives for {@code time}; fails if the bridge closes the connection. */
        void drainFor(Duration time) throws IOException {
            long deadline = System.nanoTime() + time.toNanos();
            byte[] buf = new byte[64 * 1024];
            socket.setSoTimeout(100);
            try {
                while (System.nanoTime() < deadline) {
                    try {
                        if (in.read(buf) < 0) {
                            throw new EOFException("the bridge closed the connection");
                        }
                    } catch (SocketTimeoutException e) {
                        // nothing right now
                    }
                }
            } finally {
                socket.setSoTimeout(5000);
            }
        }

        /** Reads messages until a Piece (id 7) arrives; false on timeout or close. */
        boolean awaitPiece(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                int len;
                try {
                    len = in.readInt();
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (EOFException e) {
                    return false;
                }
                if (len == 0) {
                    continue;
                }
                int id = in.readUnsignedByte();
                in.skipNBytes(len - 1);
                if (id == 7) {
                    return true;
                }
            }
            return false;
        }

        /** Reads (and discards) until the bridge closes the connection; fails if it is still open after the bound. */
        String awaitDropped() throws IOException {
            long start = System.nanoTime();
            long deadline = start + DROP_WITHIN.toNanos();
            byte[] buf = new byte[64 * 1024];
            long read = 0;
            while (true) {
                try {
                    int n = in.read(buf);
                    if (n < 0) {
                        return "closed (EOF) after " + (System.nanoTime() - start) / 1_000_000 + " ms, " + read + " bytes read";
                    }
                    read += n;
                } catch (SocketTimeoutException e) {
                    // keep waiting
                } catch (IOException e) {
                    return "closed (" + e.getMessage() + ") after " + (System.nanoTime() - start) / 1_000_000 + " ms";
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the bridge kept the connection open for " + DROP_WITHIN + " (" + read + " bytes read)");
                }
            }
        }

        /**
         * Asks for valid blocks at a steady pace (below the outstanding-requests limit) and never reads; returns once a
         * write fails because the bridge closed the connection, then checks the socket is indeed at EOF.
         */
        String requestWithoutReading(TorrentMetadata t) throws IOException {
            long start = System.nanoTime();
            long deadline = start + DROP_WITHIN.toNanos();
            int sent = 0;
            try {
                while (System.nanoTime() < deadline) {
                    ByteBuffer batch = ByteBuffer.allocate(16 * 17);
                    for (int i = 0; i < 16; i++, sent++) {
                        int block = sent % (t.length() > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) (t.length() / BLOCK) - 1);
                        batch.putInt(13).put((byte) 6).putInt(block / (PIECE / BLOCK)).putInt(block % (PIECE / BLOCK) * BLOCK).putInt(BLOCK);
                    }
                    raw(batch.array());
                    Thread.sleep(20);
                }
            } catch (IOException e) {
                return "write failed after " + (System.nanoTime() - start) / 1_000_000 + " ms, " + sent + " requests sent ("
                        + e.getMessage() + "); then " + awaitDropped();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            throw new AssertionError("the bridge kept a never-reading connection for " + DROP_WITHIN + " (" + sent + " requests sent)");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
