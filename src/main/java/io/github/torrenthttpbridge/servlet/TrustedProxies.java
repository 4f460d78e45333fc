package io.github.torrenthttpbridge.servlet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

/**
 * The proxies in front of the site whose {@code X-Forwarded-For} / {@code Forwarded} (RFC 7239) headers are believed
 * ({@code torrent-bridge.trusted-proxies}: addresses and CIDR blocks), and the real client address of a request
 * made through them. From anyone else those headers are ignored: the client is the connection's peer. Literal
 * addresses only, never a DNS lookup. Immutable and thread-safe.
 */
public final class TrustedProxies {
    /** An address block: {@code bits} leading bits of {@code network}. */
    record Block(byte[] network, int bits) {
        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (b[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            return rest == 0 || ((b[full] ^ network[full]) & (0xff << (8 - rest)) & 0xff) == 0;
        }
    }

    private static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

    private final List<Block> blocks;
    private final List<String> text;

    private TrustedProxies(List<Block> blocks, List<String> text) {
        this.blocks = List.copyOf(blocks);
        this.text = List.copyOf(text);
    }

    /** No proxy is trusted (the default): every request's client is its connection's peer. */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * Parses addresses and CIDR blocks ({@code 127.0.0.1}, {@code 10.0.0.0/8}, {@code ::1}, {@code fd00::/8}).
     *
     * @throws IllegalArgumentException naming the entry that is neither
     */
    public static TrustedProxies parse(List<String> entries) {
        List<Block> blocks = new ArrayList<>();
        for (String e : entries) {
            int slash = e.indexOf('/');
            InetAddress a = literal(slash < 0 ? e : e.substring(0, slash));
            int max = a == null ? 0 : a.getAddress().length * 8;
            int bits = max;
            if (a != null && slash >= 0) {
                try {
                    bits = Integer.parseInt(e.substring(slash + 1));
                } catch (NumberFormatException x) {
                    bits = -1;
                }
            }
            if (a == null || bits < 0 || bits > max) {
                throw new IllegalArgumentException("'" + e + "' is not an IP address or CIDR block (e.g. 10.0.0.0/8, ::1)");
            }
            blocks.add(new Block(a.getAddress(), bits));
        }
        return new TrustedProxies(blocks, entries);
    }

    /** The entries as configured. */
    public List<String> entries() {
        return text;
    }

    public boolean trusts(InetAddress a) {
        for (Block b : blocks) {
            if (b.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client of a request whose connection came from {@code peer}: {@code peer} itself unless it is a trusted
     * proxy; then the nearest address in the forwarding chain ({@code Forwarded: for=}, else {@code
     * X-Forwarded-For}, read from the right) that is not a trusted proxy. An entry that is not an IP address
     * (unknown, an obfuscated name) ends the walk at the last trusted hop.
     */
    public InetAddress client(InetAddress peer, Enumeration<String> forwarded, Enumeration<String> xForwardedFor) {
        if (peer == null || !trusts(peer)) {
            return peer;
        }
        List<String> chain = forwardedFor(forwarded);
        if (chain.isEmpty()) {
            chain = split(xForwardedFor);
        }
        InetAddress client = peer;
        for (int i = chain.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(stripPort(chain.get(i)));
            if (hop == null) {
                return client;
            }
            client = hop;
            if (!trusts(hop)) {
                return hop;
            }
        }
        return client;
    }

    private static List<String> split(Enumeration<String> headers) {
        List<String> out = new ArrayList<>();
        for (String h : headers == null ? Collections.<String>emptyList() : Collections.list(headers)) {
            for (String part : h.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    /** The {@code for=} values of {@code Forwarded} headers, in order. */
    private static List<String> forwardedFor(Enumeration<String> headers) {
        List<String> out = new ArrayList<>();
        for (String element : split(headers)) {
            for (String pair : element.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("for")) {
                    out.add(pair.substring(eq + 1).strip().replace("\"", ""));
                }
            }
        }
        return out;
    }

    /** {@code 1.2.3.4:80} → {@code 1.2.3.4}; {@code [v6]:80} or {@code [v6]} → {@code v6}; others unchanged. */
    private static String stripPort(String s) {
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            return close < 0 ? s : s.substring(1, close);
        }
        int colon = s.indexOf(':');
        return colon > 0 && colon == s.lastIndexOf(':') ? s.substring(0, colon) : s;
    }

    /** A literal IPv4 or IPv6 address (never looked up), or null. */
    static InetAddress literal(String s) {
        if (s.isEmpty() || s.length() > 45 || !s.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            return null;
        }
        if (s.indexOf(':') < 0 && !s.matches("(\\d{1,3}\\.){3}\\d{1,3}")) {
            return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return String.join(",", text);
    }
}
