package io.github.torrenthttpbridge.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.eclipse.jetty.io.ByteArrayEndPoint;

/** A peer on the far side of an in-memory endpoint; decrypts what it reads when RC4 was agreed. */
class WirePeer {
    final WireEngine engine;
    final MemoryPieces pieces;
    final ByteArrayEndPoint ep;
    final PeerConnection conn;
    final ByteBuffer received = ByteBuffer.allocate(1 << 20).flip();
    Rc4 encrypt;
    Rc4 decrypt;

    WirePeer(WireEngine engine, MemoryPieces pieces) {
        this.engine = engine;
        this.pieces = pieces;
        this.ep = new ByteArrayEndPoint(engine.scheduler(), 60_000);
        conn = new PeerConnection(ep, engine, null);
        ep.setConnection(conn);
        ep.onOpen();
        conn.onOpen();
    }

    /** Sends bytes one at a time, each read before the next arrives, as a slow network would deliver them. */
    void sendSlowly(byte[] bytes) {
        for (byte b : bytes) {
            send(new byte[] {b});
        }
    }

    void send(byte[] bytes) {
        byte[] copy = bytes.clone();
        if (encrypt != null) {
            encrypt.apply(copy, 0, copy.length);
        }
        ep.addInput(ByteBuffer.wrap(copy));   // wakes the connection's read interest, as a socket would
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (ep.hasMore() && !conn.isClosedState() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        synchronized (conn) {
            // the reader fills and processes under this lock: once we hold it, the input has been handled
        }
    }

    void message(int id, ByteBuffer payload) {
        ByteBuffer m = ByteBuffer.allocate(5 + payload.remaining()).putInt(1 + payload.remaining()).put((byte) id)
                .put(payload);
        send(m.array());
    }

    /** Everything the engine wrote since the last call, decrypted. */
    ByteBuffer output() {
        ByteBuffer out = ep.takeOutput();
        byte[] b = new byte[out.remaining()];
        out.get(b);
        if (decrypt != null) {
            decrypt.apply(b, 0, b.length);
        }
        received.compact().put(b).flip();
        return received;
    }

    byte[] handshakeBytes(boolean fast, boolean extended) {
        byte[] reserved = new byte[8];
        if (fast) {
            reserved[7] |= Wire.RESERVED_FAST_BIT;
        }
        if (extended) {
            reserved[5] |= Wire.RESERVED_EXTENSION_BIT;
        }
        ByteBuffer hs = ByteBuffer.allocate(68).put((byte) 19).put(Wire.PROTOCOL).put(reserved)
                .put(pieces.torrent.infoHash().bytes()).put("-XX0001-testpeer0001".getBytes(StandardCharsets.US_ASCII));
        return hs.array();
    }

    /** Reads our handshake back, then messages until one with {@code id}; returns its payload (after the id). */
    ByteBuffer awaitMessage(int id) {
        for (ByteBuffer m = next(); m != null; m = next()) {
            if ((m.get(0) & 0xFF) == id) {
                return m.position(1).slice();
            }
        }
        throw new AssertionError("no message " + id + " in what the engine sent");
    }

    /** The payloads of every message {@code id} the engine sent since the last read (other messages are skipped). */
    java.util.List<ByteBuffer> messages(int id) {
        java.util.List<ByteBuffer> out = new java.util.ArrayList<>();
        for (ByteBuffer m = next(); m != null; m = next()) {
            if ((m.get(0) & 0xFF) == id) {
                out.add(m.position(1).slice());
            }
        }
        return out;
    }

    /** The next whole message the engine sent (id first), after our handshake is read back; null when none yet. */
    private ByteBuffer next() {
        ByteBuffer in = output();
        if (!handshakeRead) {
            byte[] hs = new byte[68];
            in.get(hs);
            assertEquals(19, hs[0]);
            assertArrayEquals(pieces.torrent.infoHash().bytes(), Arrays.copyOfRange(hs, 28, 48));
            handshakeRead = true;
        }
        while (in.remaining() >= 4) {
            int len = in.getInt(in.position());
            if (in.remaining() < 4 + len) {
                return null;
            }
            in.getInt();
            if (len == 0) {
                continue;
            }
            byte[] m = new byte[len];   // a copy: the next read compacts the buffer under a slice
            in.get(m);
            return ByteBuffer.wrap(m);
        }
        return null;
    }

    boolean handshakeRead;
}
