package io.github.torrenthttpbridge.interop;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/**
 * The five attacks of the wire-budget issue, made by hand over raw sockets as a hostile peer would, each running
 * until closed and reconnecting whenever the bridge drops it (an attacker would):
 * <ul>
 * <li>{@link Kind#METADATA_FLOOD}: extended handshake, then ut_metadata requests for piece 0, 100 a millisecond
 *     (unpaced, this thread alone took one of the machine's two cores, which says nothing about the bridge), never
 *     reading;</li>
 * <li>{@link Kind#PINNED_SPANS}: interested, one 16 KiB request per piece, then 16 KiB read every 60 ms;</li>
 * <li>{@link Kind#REQUEST_CANCEL}: request and cancel block 0 of every piece in turn, ~300 pairs a second;</li>
 * <li>{@link Kind#IDLE_SLOTS}: 60 connections that handshake and then only send keep-alives;</li>
 * <li>{@link Kind#MSE_GARBAGE}: 4 threads that connect, send 146 random bytes (an MSE first message) and reset, up
 *     to ~2,000 connections a second.</li>
 * </ul>
 * Used by {@code WireBudgetsIT} and, through {@link #main}, by {@code bench/attacks.sh}.
 */
public final class Attacker implements AutoCloseable {
    public enum Kind { METADATA_FLOOD, PINNED_SPANS, REQUEST_CANCEL, IDLE_SLOTS, MSE_GARBAGE }

    static final int BLOCK = 16 * 1024;
    static final int IDLE_CONNECTIONS = 60;

    private final Kind kind;
    private final InetSocketAddress bridge;
    private final TorrentMetadata torrent;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    /** Connections opened, and connections the bridge ended (EOF, reset, refused). */
    final AtomicLong opened = new AtomicLong();
    final AtomicLong ended = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong bytesRead = new AtomicLong();

    public Attacker(Kind kind, InetSocketAddress bridge, TorrentMetadata torrent) {
        this.kind = kind;
        this.bridge = bridge;
        this.torrent = torrent;
    }

    public Attacker start() {
        int n = kind == Kind.MSE_GARBAGE ? 4 : 1;
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(this::run, "attack-" + kind + "-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return this;
    }

    private void run() {
        Random random = new Random();
        while (!stop.get()) {
            try {
                switch (kind) {
                    case METADATA_FLOOD -> metadataFlood();
                    case PINNED_SPANS -> pinnedSpans();
                    case REQUEST_CANCEL -> requestCancel();
                    case IDLE_SLOTS -> idleSlots();
                    case MSE_GARBAGE -> mseGarbage(random);
                }
            } catch (IOException e) {
                ended.incrementAndGet();
                pause(kind == Kind.MSE_GARBAGE ? 2 : 100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(bridge, 5000);
        s.setSoTimeout(5000);
        s.setTcpNoDelay(true);
        opened.incrementAndGet();
        return s;
    }

    private void send(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        bytesSent.addAndGet(bytes.length);
    }

    private static byte[] message(int id, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).putInt(1 + payload.length).put((byte) id).put(payload).array();
    }

    private static byte[] request(int id, int index, int begin, int length) {
        return ByteBuffer.allocate(17).putInt(13).put((byte) id).putInt(index).putInt(begin).putInt(length).array();
    }

    /** Our handshake (extension protocol and fast extension bits set) and the bridge's answer. */
    private void handshake(Socket s) throws IOException {
        byte[] reserved = new byte[8];
        reserved[5] |= 0x10;
        reserved[7] |= 0x04;
        ByteBuffer hs = ByteBuffer.allocate(68).put((byte) 19).put("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII))
                .put(reserved).put(torrent.infoHash().bytes()).put(peerId());
        send(s.getOutputStream(), hs.array());
        byte[] reply = new byte[68];
        new DataInputStream(s.getInputStream()).readFully(reply);
        bytesRead.addAndGet(68);
        if (reply[0] != 19 || !Arrays.equals(Arrays.copyOfRange(reply, 28, 48), torrent.infoHash().bytes())) {
            throw new IOException("unexpected handshake reply");
        }
    }

    private static byte[] peerId() {
        byte[] id = "-AT0001-000000000000".getBytes(StandardCharsets.US_ASCII);
        byte[] r = new byte[12];
        new Random().nextBytes(r);
        for (int i = 0; i < 12; i++) {
            id[8 + i] = (byte) ('a' + (r[i] & 15));
        }
        return id;
    }

    /** Handshake and interested, then waits for the unchoke: the output stream, or null (after a pause) without one. */
    private OutputStream interestedAndUnchoked(Socket s) throws IOException {
        handshake(s);
        OutputStream out = s.getOutputStream();
        send(out, message(2, new byte[0]));
        if (!awaitUnchoke(s)) {
            pause(1000);
            return null;
        }
        return out;
    }

    /** Reads messages until an unchoke; false if none came within 10 s. */
    private boolean awaitUnchoke(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && !stop.get()) {
            int len;
            try {
                len = in.readInt();
            } catch (SocketTimeoutException e) {
                continue;
            }
            bytesRead.addAndGet(4 + len);
            if (len == 0) {
                continue;
            }
            int id = in.readUnsignedByte();
            in.skipNBytes(len - 1);
            if (id == 1) {
                return true;
            }
        }
        return false;
    }

    private void metadataFlood() throws IOException {
        try (Socket s = connect()) {
            handshake(s);
            OutputStream out = s.getOutputStream();
            byte[] ext = "d1:md11:ut_metadatai3eee".getBytes(StandardCharsets.US_ASCII);
            send(out, ByteBuffer.allocate(6 + ext.length).putInt(2 + ext.length).put((byte) 20).put((byte) 0).put(ext).array());
            byte[] ask = "d8:msg_typei0e5:piecei0ee".getBytes(StandardCharsets.US_ASCII);
            byte[] one = ByteBuffer.allocate(6 + ask.length).putInt(2 + ask.length).put((byte) 20).put((byte) 2).put(ask).array();
            byte[] batch = new byte[one.length * 100];
            for (int i = 0; i < 100; i++) {
                System.arraycopy(one, 0, batch, i * one.length, one.length);
            }
            while (!stop.get()) {
                send(out, batch);   // never read: fails once the bridge has closed the connection
                // 100 requests a millisecond: hundreds of times what the bridge allows on a connection, without this
                // harness burning a whole core of the two it shares with the bridge, the origin and the leecher
                pause(1);
            }
        }
    }

    private void pinnedSpans() throws IOException, InterruptedException {
        try (Socket s = connect()) {
            OutputStream out = interestedAndUnchoked(s);
            if (out == null) {
                return;
            }
            int pieces = Math.min(torrent.pieceCount(), 1000);
            ByteBuffer all = ByteBuffer.allocate(pieces * 17);
            for (int i = 0; i < pieces; i++) {
                all.put(request(6, i, 0, Math.min(BLOCK, torrent.pieceSize(i))));
            }
            send(out, all.array());
            InputStream in = s.getInputStream();
            byte[] buf = new byte[BLOCK];
            while (!stop.get()) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    n = 0;
                }
                if (n < 0) {
                    throw new IOException("closed by the bridge");
                }
                bytesRead.addAndGet(n);
                Thread.sleep(60);
            }
        }
    }

    private void requestCancel() throws IOException, InterruptedException {
        try (Socket s = connect()) {
            OutputStream out = interestedAndUnchoked(s);
            if (out == null) {
                return;
            }
            AtomicBoolean closed = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[64 * 1024];
                try {
                    InputStream in = s.getInputStream();
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        bytesRead.addAndGet(n);
                    }
                } catch (IOException e) {
                    // the bridge closed it, or we did
                }
                closed.set(true);
            }, "attack-drain");
            reader.setDaemon(true);
            s.setSoTimeout(0);
            reader.start();
            int piece = 0;
            while (!stop.get() && !closed.get()) {
                ByteBuffer batch = ByteBuffer.allocate(10 * 34);
                for (int i = 0; i < 10; i++) {
                    int len = Math.min(BLOCK, torrent.pieceSize(piece));
                    batch.put(request(6, piece, 0, len)).put(request(8, piece, 0, len));
                    piece = (piece + 1) % torrent.pieceCount();
                }
                send(out, batch.array());
                Thread.sleep(33);   // ~300 pairs a second
            }
            if (closed.get()) {
                throw new IOException("closed by the bridge");
            }
        }
    }

    private void idleSlots() throws InterruptedException {
        Socket[] sockets = new Socket[IDLE_CONNECTIONS];
        try {
            while (!stop.get()) {
                for (int i = 0; i < sockets.length && !stop.get(); i++) {
                    try {
                        if (sockets[i] == null) {
                            sockets[i] = connect();
                            handshake(sockets[i]);
                            sockets[i].setSoTimeout(1);
                        }
                        send(sockets[i].getOutputStream(), new byte[4]);   // keep-alive
                        try {
                            int n = sockets[i].getInputStream().read(new byte[4096]);
                            if (n < 0) {
                                throw new IOException("closed by the bridge");
                            }
                            bytesRead.addAndGet(n);
                        } catch (SocketTimeoutException e) {
                            // nothing to read
                        }
                    } catch (IOException e) {
                        ended.incrementAndGet();
                        closeQuietly(sockets[i]);
                        sockets[i] = null;
                    }
                }
                Thread.sleep(1000);
            }
        } finally {
            for (Socket s : sockets) {
                closeQuietly(s);
            }
        }
    }

    private void mseGarbage(Random random) throws IOException {
        Socket s = connect();
        try {
            byte[] junk = new byte[146];
            random.nextBytes(junk);
            send(s.getOutputStream(), junk);
            s.setSoLinger(true, 0);   // reset, not a clean close
        } finally {
            s.close();
        }
        // at most ~500 connections a second per thread, 2,000 in all: 20 times the key-exchange budget, without the
        // harness's own connect loop taking the cores the bridge and the leecher share (once 6,000 a second: 0.18x)
        pause(2);
    }

    private static void closeQuietly(Socket s) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String summary() {
        return kind + ": " + opened.get() + " connections opened, " + ended.get() + " ended by the bridge, "
                + bytesSent.get() + " bytes sent, " + bytesRead.get() + " read";
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.interrupt();
            t.join(10_000);
        }
    }

    /** {@code Attacker KIND HOST:PORT TORRENT_FILE SECONDS}: runs one attack (or {@code ALL}) and prints what it did. */
    public static void main(String[] args) throws Exception {
        String[] hp = args[1].split(":");
        InetSocketAddress at = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        TorrentMetadata t = TorrentMetadata.parse(Files.readAllBytes(Path.of(args[2])));
        List<Attacker> attackers = new ArrayList<>();
        for (Kind k : "ALL".equals(args[0]) ? Kind.values() : new Kind[] {Kind.valueOf(args[0])}) {
            attackers.add(new Attacker(k, at, t).start());
        }
        Thread.sleep(Long.parseLong(args[3]) * 1000);
        for (Attacker a : attackers) {
            a.close();
            System.out.println(a.summary());
        }
    }
}
