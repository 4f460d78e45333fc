package io.github.torrenthttpbridge.tracker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The packets of the UDP tracker protocol (BEP 15, with BEP 41's URL data): what we send, and checked parsing of
 * what comes back. Pure functions; {@link UdpTrackerClient} does the sending.
 */
final class UdpTrackerPackets {
    static final long PROTOCOL_ID = 0x41727101980L;
    static final int CONNECT = 0;
    static final int ANNOUNCE = 1;
    static final int ERROR = 3;
    /** Longest error message kept (a tracker's text goes into logs and the status page). */
    static final int MAX_MESSAGE = 200;

    private UdpTrackerPackets() {
    }

    static ByteBuffer connect(int transactionId) {
        return ByteBuffer.allocate(16).putLong(PROTOCOL_ID).putInt(CONNECT).putInt(transactionId).flip();
    }

    /**
     * An announce (98 bytes), plus the URL's path and query as BEP 41 URL data when they are more than
     * {@code /announce} (a passkey, for instance), in chunks of at most 255 bytes.
     */
    static ByteBuffer announce(long connectionId, int transactionId, AnnounceRequest r, String pathAndQuery) {
        byte[] url = pathAndQuery == null || pathAndQuery.isEmpty() || pathAndQuery.equals("/announce")
                ? new byte[0] : pathAndQuery.getBytes(StandardCharsets.UTF_8);
        int chunks = (url.length + 254) / 255;
        ByteBuffer b = ByteBuffer.allocate(98 + url.length + 2 * chunks);
        b.putLong(connectionId).putInt(ANNOUNCE).putInt(transactionId).put(r.infoHash().bytes()).put(r.peerId())
                .putLong(r.downloaded()).putLong(r.left()).putLong(r.uploaded()).putInt(event(r.event()))
                .putInt(ipv4(r.ip())).putInt(r.key()).putInt(r.numwant()).putShort((short) r.port());
        for (int off = 0; off < url.length; off += 255) {
            int n = Math.min(255, url.length - off);
            b.put((byte) 2).put((byte) n).put(url, off, n);
        }
        return b.flip();
    }

    private static int event(AnnounceRequest.Event e) {
        return switch (e) {
            case NONE -> 0;
            case COMPLETED -> 1;
            case STARTED -> 2;
            case STOPPED -> 3;
        };
    }

    /** BEP 15 carries only an IPv4 address; anything else (a name, IPv6) is left to the tracker (0). */
    private static int ipv4(String ip) {
        if (ip == null || !ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return 0;
        }
        try {
            return ByteBuffer.wrap(InetAddress.getByName(ip).getAddress()).getInt();
        } catch (UnknownHostException e) {
            return 0;
        }
    }

    /** The action and transaction id of a packet from a tracker, or -1 for the action when it is too short. */
    static int action(ByteBuffer p) {
        return p.remaining() >= 8 ? p.getInt(p.position()) : -1;
    }

    static int transactionId(ByteBuffer p) {
        return p.remaining() >= 8 ? p.getInt(p.position() + 4) : 0;
    }

    /** The connection id of a connect answer. */
    static long connectionId(ByteBuffer p) throws TrackerException {
        if (p.remaining() < 16 || action(p) != CONNECT) {
            throw new TrackerException("malformed UDP connect answer (" + p.remaining() + " bytes)");
        }
        return p.getLong(p.position() + 8);
    }

    /** The text of an error answer (action 3), printable characters only, at most {@link #MAX_MESSAGE}. */
    static String error(ByteBuffer p) {
        byte[] m = new byte[Math.max(0, Math.min(p.remaining() - 8, MAX_MESSAGE))];
        p.get(p.position() + 8, m);
        String s = new String(m, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", " ").strip();
        return s.isEmpty() ? "tracker refused the announce (UDP error, no message)" : s;
    }

    /**
     * An announce answer: interval, leechers, seeders and compact peers (6 bytes each, 18 when the tracker was
     * reached over IPv6). At most {@code maxPeers} peers are read; a trailing partial entry is ignored. Shorter
     * than 20 bytes is a refusal (opentracker answers an unlisted torrent with the 8-byte header alone).
     */
    static AnnounceResult announceResult(ByteBuffer p, boolean ipv6, int maxPeers) throws TrackerException {
        if (action(p) != ANNOUNCE) {
            throw new TrackerException("malformed UDP announce answer");
        }
        if (p.remaining() < 20) {
            throw new TrackerException("tracker refused the announce (UDP answer without peers or counts)");
        }
        int base = p.position();
        long interval = Integer.toUnsignedLong(p.getInt(base + 8));
        if (interval == 0) {
            throw new TrackerException("tracker sent an interval of 0");
        }
        int leechers = p.getInt(base + 12);
        int seeders = p.getInt(base + 16);
        int entry = ipv6 ? 18 : 6;
        List<InetSocketAddress> peers = new ArrayList<>();
        byte[] addr = new byte[entry - 2];
        for (int off = base + 20; off + entry <= p.limit() && peers.size() < maxPeers; off += entry) {
            p.get(off, addr);
            int port = Short.toUnsignedInt(p.getShort(off + entry - 2));
            if (port == 0) {
                continue;
            }
            try {
                peers.add(new InetSocketAddress(InetAddress.getByAddress(addr), port));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);   // 4 or 16 bytes: cannot happen
            }
        }
        return new AnnounceResult(Duration.ofSeconds(interval), Optional.empty(), peers,
                seeders < 0 ? -1 : seeders, leechers < 0 ? -1 : leechers, Optional.empty());
    }
}
