package io.github.torrenthttpbridge.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** BitTorrent peer-wire constants and encoders (BEP 3, 6, 10), seed side. Messages are length-prefixed. */
final class Wire {
    static final byte[] PROTOCOL = "BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);
    static final int HANDSHAKE_LENGTH = 68;

    static final int CHOKE = 0;
    static final int UNCHOKE = 1;
    static final int INTERESTED = 2;
    static final int NOT_INTERESTED = 3;
    static final int HAVE = 4;
    static final int BITFIELD = 5;
    static final int REQUEST = 6;
    static final int PIECE = 7;
    static final int CANCEL = 8;
    static final int PORT = 9;
    static final int SUGGEST = 13;
    static final int HAVE_ALL = 14;
    static final int HAVE_NONE = 15;
    static final int REJECT = 16;
    static final int ALLOWED_FAST = 17;
    static final int EXTENDED = 20;
    /** BEP 52: merkle tree hashes asked for, sent, refused. Each starts {@code <pieces root 32><base><index><length>
     * <proof layers>} (four big-endian u32). */
    static final int HASH_REQUEST = 21;
    static final int HASHES = 22;
    static final int HASH_REJECT = 23;
    static final int HASH_HEADER = 32 + 16;

    /** Reserved bits: byte 5 0x10 extension protocol (BEP 10), byte 7 0x04 fast (BEP 6), byte 7 0x01 DHT (BEP 5),
     * byte 7 0x10 BitTorrent v2 (BEP 52: set on the v1 hash of a hybrid, it offers the upgrade to the v2 swarm). */
    static final int RESERVED_EXTENSION_BYTE = 5;
    static final int RESERVED_EXTENSION_BIT = 0x10;
    static final int RESERVED_FAST_BIT = 0x04;
    static final int RESERVED_DHT_BIT = 0x01;
    static final int RESERVED_V2_BIT = 0x10;

    /** Largest block a peer may request (BEP 3 clients use 16 KiB; 128 KiB is the common upper limit). */
    static final int MAX_BLOCK = 128 * 1024;
    /** Largest message accepted from a peer (a bitfield of 8 million pieces; we never receive blocks). */
    static final int MAX_MESSAGE = 1024 * 1024;

    private Wire() {
    }

    static ByteBuffer handshake(byte[] infoHash, byte[] peerId, boolean dht) {
        return handshake(infoHash, peerId, dht, false);
    }

    /** Our handshake; {@code v2} sets the BEP 52 bit (for torrents with merkle trees). */
    static ByteBuffer handshake(byte[] infoHash, byte[] peerId, boolean dht, boolean v2) {
        ByteBuffer b = ByteBuffer.allocate(HANDSHAKE_LENGTH);
        b.put((byte) PROTOCOL.length).put(PROTOCOL);
        byte[] reserved = new byte[8];
        reserved[RESERVED_EXTENSION_BYTE] = RESERVED_EXTENSION_BIT;
        reserved[7] = (byte) (RESERVED_FAST_BIT | (dht ? RESERVED_DHT_BIT : 0) | (v2 ? RESERVED_V2_BIT : 0));
        b.put(reserved).put(infoHash).put(peerId);
        return b.flip();
    }

    /** Whether {@code b} (at least 20 bytes from its position) starts a plain BitTorrent handshake. */
    static boolean isPlainHandshake(ByteBuffer b) {
        int p = b.position();
        if (b.get(p) != PROTOCOL.length) {
            return false;
        }
        for (int i = 0; i < PROTOCOL.length; i++) {
            if (b.get(p + 1 + i) != PROTOCOL[i]) {
                return false;
            }
        }
        return true;
    }

    static ByteBuffer simple(int id) {
        return ByteBuffer.allocate(5).putInt(1).put((byte) id).flip();
    }

    static ByteBuffer keepAlive() {
        return ByteBuffer.allocate(4);   // length 0, no id
    }

    static ByteBuffer have(int index) {
        return ByteBuffer.allocate(9).putInt(5).put((byte) HAVE).putInt(index).flip();
    }

    /** A bitfield with every one of {@code pieces} bits set (spare bits clear, as BEP 3 requires). */
    static ByteBuffer fullBitfield(int pieces) {
        int bytes = (pieces + 7) / 8;
        ByteBuffer b = ByteBuffer.allocate(5 + bytes).putInt(1 + bytes).put((byte) BITFIELD);
        for (int i = 0; i < bytes - 1; i++) {
            b.put((byte) 0xFF);
        }
        int last = pieces - (bytes - 1) * 8;
        b.put((byte) (0xFF << (8 - last)));
        return b.flip();
    }

    /** Header of a {@code piece} message whose {@code length} data bytes follow. */
    static ByteBuffer pieceHeader(int index, int begin, int length) {
        return ByteBuffer.allocate(13).putInt(9 + length).put((byte) PIECE).putInt(index).putInt(begin).flip();
    }

    static ByteBuffer reject(int index, int begin, int length) {
        return ByteBuffer.allocate(17).putInt(13).put((byte) REJECT).putInt(index).putInt(begin).putInt(length).flip();
    }

    static ByteBuffer port(int port) {
        return ByteBuffer.allocate(7).putInt(3).put((byte) PORT).putShort((short) port).flip();
    }

    static ByteBuffer extended(int extId, byte[] payload, byte[] trailer) {
        int t = trailer == null ? 0 : trailer.length;
        ByteBuffer b = ByteBuffer.allocate(6 + payload.length + t).putInt(2 + payload.length + t)
                .put((byte) EXTENDED).put((byte) extId).put(payload);
        if (trailer != null) {
            b.put(trailer);
        }
        return b.flip();
    }

    /** A {@code hashes} (BEP 52) message: the request's header echoed ({@code header} from its position, 48 bytes),
     * then {@code hashes}. */
    static ByteBuffer hashes(ByteBuffer header, byte[] hashes) {
        return ByteBuffer.allocate(5 + HASH_HEADER + hashes.length).putInt(1 + HASH_HEADER + hashes.length)
                .put((byte) HASHES).put(header.duplicate().limit(header.position() + HASH_HEADER)).put(hashes).flip();
    }

    /** A {@code hash reject} (BEP 52) echoing the request's header. */
    static ByteBuffer hashReject(ByteBuffer header) {
        return ByteBuffer.allocate(5 + HASH_HEADER).putInt(1 + HASH_HEADER).put((byte) HASH_REJECT)
                .put(header.duplicate().limit(header.position() + HASH_HEADER)).flip();
    }

    /** The payload length a fixed-size message must have, or -1 when it varies. */
    static int fixedLength(int id) {
        return switch (id) {
            case CHOKE, UNCHOKE, INTERESTED, NOT_INTERESTED, HAVE_ALL, HAVE_NONE -> 1;
            case HAVE, SUGGEST, ALLOWED_FAST -> 5;
            case REQUEST, CANCEL, REJECT -> 13;
            case PORT -> 3;
            case HASH_REQUEST, HASH_REJECT -> 1 + HASH_HEADER;
            default -> -1;
        };
    }
}
