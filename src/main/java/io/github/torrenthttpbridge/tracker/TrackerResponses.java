package io.github.torrenthttpbridge.tracker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.github.torrenthttpbridge.torrent.Bencode;
import io.github.torrenthttpbridge.torrent.BencodeException;

/** Parses a tracker's bencoded announce answer (BEP 3, 23 compact peers, 7 {@code peers6}). */
final class TrackerResponses {
    /** Most peers taken from one answer. */
    static final int MAX_PEERS = 1000;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private TrackerResponses() {
    }

    static AnnounceResult parse(byte[] body) throws TrackerException {
        Object decoded;
        try {
            decoded = Bencode.decode(body);
        } catch (BencodeException e) {
            throw new TrackerException("the tracker's answer is not bencoded: " + e.getMessage(), e);
        }
        if (!(decoded instanceof Map<?, ?> d)) {
            throw new TrackerException("the tracker's answer is not a dictionary");
        }
        Object failure = d.get("failure reason");
        if (failure != null) {
            throw new TrackerException("tracker: " + text(failure, 300));
        }
        long interval = number(d.get("interval"), 1800);
        Object min = d.get("min interval");
        List<InetSocketAddress> peers = new ArrayList<>();
        Object p = d.get("peers");
        if (p instanceof byte[] compact) {
            compact(compact, 4, peers);
        } else if (p instanceof List<?> list) {
            for (Object o : list) {
                if (peers.size() >= MAX_PEERS) {
                    break;
                }
                if (o instanceof Map<?, ?> peer) {
                    dictPeer(peer, peers);
                }
            }
        } else if (p != null) {
            throw new TrackerException("the tracker's peers are neither a string nor a list");
        }
        if (d.get("peers6") instanceof byte[] compact6) {
            compact(compact6, 16, peers);
        }
        Object warning = d.get("warning message");
        return new AnnounceResult(Duration.ofSeconds(Math.max(0, interval)),
                min == null ? Optional.empty() : Optional.of(Duration.ofSeconds(Math.max(0, number(min, 0))))
                , peers, (int) Math.min(Integer.MAX_VALUE, number(d.get("complete"), -1)),
                (int) Math.min(Integer.MAX_VALUE, number(d.get("incomplete"), -1)),
                warning == null ? Optional.empty() : Optional.of(text(warning, 300)));
    }

    private static long number(Object o, long absent) throws TrackerException {
        if (o == null) {
            return absent;
        }
        if (o instanceof Long l) {
            return l;
        }
        throw new TrackerException("the tracker sent a non-integer where a number belongs");
    }

    private static String text(Object o, int max) {
        String s = o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
        s = s.replaceAll("\\p{Cntrl}", "?");
        return s.length() > max ? s.substring(0, max) + "…" : s;
    }

    private static void compact(byte[] b, int addressLength, List<InetSocketAddress> out) throws TrackerException {
        int entry = addressLength + 2;
        if (b.length % entry != 0) {
            throw new TrackerException("compact peers of " + b.length + " bytes: not a multiple of " + entry);
        }
        for (int i = 0; i + entry <= b.length && out.size() < MAX_PEERS; i += entry) {
            byte[] a = java.util.Arrays.copyOfRange(b, i, i + addressLength);
            int port = ((b[i + addressLength] & 0xff) << 8) | (b[i + addressLength + 1] & 0xff);
            if (port == 0) {
                continue;
            }
            try {
                out.add(new InetSocketAddress(InetAddress.getByAddress(a), port));
            } catch (UnknownHostException e) {
                throw new AssertionError(e); // 4 or 16 bytes never fail
            }
        }
    }

    /** {@code {ip, port, peer id}}; only IP literals are taken (a host name would cost a DNS lookup per peer). */
    private static void dictPeer(Map<?, ?> peer, List<InetSocketAddress> out) {
        if (!(peer.get("ip") instanceof byte[] ipBytes) || !(peer.get("port") instanceof Long port)
                || port < 1 || port > 65535) {
            return;
        }
        String ip = new String(ipBytes, StandardCharsets.ISO_8859_1);
        try {
            if (IPV4.matcher(ip).matches()) {
                String[] parts = ip.split("\\.");
                byte[] a = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int v = Integer.parseInt(parts[i]);
                    if (v > 255) {
                        return;
                    }
                    a[i] = (byte) v;
                }
                out.add(new InetSocketAddress(InetAddress.getByAddress(a), port.intValue()));
            } else if (ip.indexOf(':') >= 0 && ip.length() <= 45 && ip.matches("[0-9a-fA-F:.]+")) {
                // with a colon Java parses an IPv6 literal and never asks DNS
                out.add(new InetSocketAddress(InetAddress.getByName(ip), port.intValue()));
            }
        } catch (UnknownHostException e) {
            // not a valid literal
        }
    }
}
