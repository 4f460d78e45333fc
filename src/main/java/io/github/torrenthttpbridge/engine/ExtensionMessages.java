package io.github.torrenthttpbridge.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import io.github.torrenthttpbridge.torrent.Bencode;
import io.github.torrenthttpbridge.torrent.BencodeException;

/**
 * The extension protocol (BEP 10) for one peer: our extended handshake, the peer's, and metadata exchange (BEP 9):
 * peers that came from a magnet link get the info dictionary from us, 16 KiB at a time. The peer's handshake also
 * tells its listen port and whether it speaks ut_pex ({@link PeerExchange}; never for private torrents, BEP 27).
 */
final class ExtensionMessages {
    static final int UT_METADATA = 2;
    private static final int METADATA_BLOCK = 16 * 1024;
    private static final int MAX_HANDSHAKE = 64 * 1024;
    /** The largest extension message (payload) a peer may send us: its extended handshake. */
    static final int MAX_MESSAGE = MAX_HANDSHAKE;

    private final PeerConnection conn;
    private final SeedTorrent torrent;
    /** The id the peer gave ut_metadata in its handshake; 0 when it has none. */
    private int peerUtMetadata;
    /** The TCP port the peer listens on ({@code p} in its handshake); 0 when it did not say. */
    private volatile int peerListenPort;
    private final PeerExchange pex;

    ExtensionMessages(PeerConnection conn, SeedTorrent torrent, PeerExchange pex) {
        this.conn = conn;
        this.torrent = torrent;
        this.pex = pex;
    }

    int peerListenPort() {
        return peerListenPort;
    }

    ByteBuffer handshake() {
        Map<String, Object> m = new TreeMap<>();
        m.put("ut_metadata", UT_METADATA);
        if (!torrent.meta.isPrivate()) {
            m.put("ut_pex", PeerExchange.UT_PEX);
        }
        Map<String, Object> hs = new TreeMap<>();
        hs.put("m", m);
        hs.put("metadata_size", torrent.meta.infoLength());
        hs.put("v", "torrent-http-bridge");
        hs.put("reqq", conn.engine.maxOutstandingPerPeer());
        hs.put("p", conn.engine.port());
        if (conn.getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
            hs.put("yourip", a.getAddress().getAddress());
        }
        return Wire.extended(0, Bencode.encode(hs), null);
    }

    void onMessage(int extId, ByteBuffer payload) {
        if (extId == 0) {
            onHandshake(payload);
        } else if (extId == UT_METADATA) {
            onMetadata(payload);
        }
        // other ids are extensions we did not advertise: ignored, as BEP 10 allows
    }

    private void onHandshake(ByteBuffer payload) {
        if (payload.remaining() > MAX_HANDSHAKE) {
            throw new PeerConnection.ProtocolException("extended handshake of " + payload.remaining() + " bytes");
        }
        if (!(decode(payload) instanceof Map<?, ?> hs)) {
            return;
        }
        if (hs.get("m") instanceof Map<?, ?> m) {
            if (m.get("ut_metadata") instanceof Long id) {
                peerUtMetadata = id > 0 && id < 256 ? id.intValue() : 0;
            }
            if (m.get("ut_pex") instanceof Long id && !torrent.meta.isPrivate()) {
                pex.peerSupports(id > 0 && id < 256 ? id.intValue() : 0);
            }
        }
        if (hs.get("p") instanceof Long port && port > 0 && port < 65536) {
            peerListenPort = port.intValue();
        }
    }

    private void onMetadata(ByteBuffer payload) {
        if (!(decode(payload) instanceof Map<?, ?> msg) || !(msg.get("msg_type") instanceof Long type)
                || !(msg.get("piece") instanceof Long piece)) {
            throw new PeerConnection.ProtocolException("malformed ut_metadata message");
        }
        if (type != 0 || peerUtMetadata == 0) {
            return;   // data or reject: we never ask for metadata
        }
        byte[] info = torrent.meta.infoBytes();
        int blocks = (info.length + METADATA_BLOCK - 1) / METADATA_BLOCK;
        if (!conn.session().metadataRequest(blocks)) {
            return;
        }
        Map<String, Object> reply = new TreeMap<>();
        reply.put("piece", piece);
        if (piece < 0 || piece >= blocks) {
            reply.put("msg_type", 2);
            conn.out.send(Wire.extended(peerUtMetadata, Bencode.encode(reply), null));
            return;
        }
        int from = (int) (piece * METADATA_BLOCK);
        reply.put("msg_type", 1);
        reply.put("total_size", info.length);
        conn.session().sendReply(Wire.extended(peerUtMetadata, Bencode.encode(reply),
                Arrays.copyOfRange(info, from, Math.min(info.length, from + METADATA_BLOCK))));
    }

    private static Object decode(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        try {
            return Bencode.decode(bytes);
        } catch (BencodeException e) {
            throw new PeerConnection.ProtocolException("undecodable extension message: " + e.getMessage());
        }
    }
}
