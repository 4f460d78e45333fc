package io.github.torrenthttpbridge.engine;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.torrent.Bencode;

/**
 * Peer exchange (BEP 11, {@code ut_pex}) toward one peer: the torrent's other peers that came or went since the last
 * message, at most once a minute (libtorrent drops peers that send more often) and at most 50 each way per message.
 * The bridge is a seed, so this is how its leechers find each other instead of all waiting on it. What peers send us
 * is ignored. Runs under the connection's lock.
 */
final class PeerExchange {
    /** Our extension id for ut_pex (in our extended handshake). */
    static final int UT_PEX = 1;
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);
    static final int MAX_PER_MESSAGE = 50;
    /** {@code added.f}: the peer accepted a connection from us, so it is reachable. */
    static final int FLAG_REACHABLE = 0x10;

    /** The id the peer gave ut_pex in its handshake; 0 when it has none. */
    private int peerId;
    private final Set<InetSocketAddress> told = new HashSet<>();
    private long lastNanos;
    private boolean started;

    void peerSupports(int id) {
        peerId = id > 0 && id < 256 ? id : 0;
    }

    /** Whether the next message is due (the peer speaks ut_pex and a minute has passed since the last look). */
    boolean due(long now) {
        return peerId != 0 && (!started || now - lastNanos >= INTERVAL_NANOS);
    }

    /**
     * The next message toward this peer, given the torrent's other peers (listen address, reachable), or null when
     * nothing changed. Either way the next look is a minute away.
     */
    ByteBuffer next(long now, Map<InetSocketAddress, Boolean> others) {
        started = true;
        lastNanos = now;
        List<InetSocketAddress> added = new ArrayList<>();
        for (InetSocketAddress a : others.keySet()) {
            if (added.size() < MAX_PER_MESSAGE && !told.contains(a)) {
                added.add(a);
            }
        }
        List<InetSocketAddress> dropped = new ArrayList<>();
        for (InetSocketAddress a : told) {
            if (dropped.size() < MAX_PER_MESSAGE && !others.containsKey(a)) {
                dropped.add(a);
            }
        }
        if (added.isEmpty() && dropped.isEmpty()) {
            return null;
        }
        told.addAll(added);
        dropped.forEach(told::remove);
        Map<String, Object> m = new TreeMap<>();
        put(m, "added", added, true, others);
        put(m, "added6", added, false, others);
        put(m, "dropped", dropped, true, null);
        put(m, "dropped6", dropped, false, null);
        return Wire.extended(peerId, Bencode.encode(m), null);
    }

    /** Compact addresses of one family (6 or 18 bytes each), and their flags when {@code flags} is given. */
    private static void put(Map<String, Object> m, String key, List<InetSocketAddress> peers, boolean v4,
                            Map<InetSocketAddress, Boolean> flags) {
        ByteArrayOutputStream compact = new ByteArrayOutputStream();
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        for (InetSocketAddress a : peers) {
            if ((a.getAddress() instanceof Inet4Address) == v4) {
                compact.writeBytes(a.getAddress().getAddress());
                compact.write(a.getPort() >> 8);
                compact.write(a.getPort());
                f.write(flags != null && Boolean.TRUE.equals(flags.get(a)) ? FLAG_REACHABLE : 0);
            }
        }
        if (v4 || compact.size() > 0) {   // the IPv4 keys always (as libtorrent sends them), IPv6 only when used
            m.put(key, compact.toByteArray());
            if (flags != null) {
                m.put(key + ".f", f.toByteArray());
            }
        }
    }
}
