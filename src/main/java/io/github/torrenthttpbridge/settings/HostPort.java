package io.github.torrenthttpbridge.settings;

import java.net.InetSocketAddress;

/** The one parser of HOST:PORT text (settings, CLI flags): never resolves a name. */
final class HostPort {
    private HostPort() {
    }

    /**
     * HOST, HOST:PORT, [V6], [V6]:PORT or a bare V6 address; unresolved. Without a port the port is 0, unless
     * {@code portRequired}, where a port 1..65535 must be given.
     *
     * @throws IllegalArgumentException with a message that is empty or starts with " (" to add to "expected ..."
     */
    static InetSocketAddress parse(String v, boolean portRequired) {
        String host;
        String port = null;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0 || (close + 1 < v.length() && v.charAt(close + 1) != ':')) {
                throw new IllegalArgumentException("");
            }
            host = v.substring(1, close);
            port = close + 1 < v.length() ? v.substring(close + 2) : null;
        } else if (v.indexOf(':') != v.lastIndexOf(':')) {
            int last = v.lastIndexOf(':');
            host = portRequired ? v.substring(0, last) : v;   // a bare IPv6 address (with a port when one is required)
            port = portRequired ? v.substring(last + 1) : null;
        } else {
            int colon = v.indexOf(':');
            host = colon < 0 ? v : v.substring(0, colon);
            port = colon < 0 ? null : v.substring(colon + 1);
        }
        if (!host.matches("[A-Za-z0-9.:%-]{1,253}")) {
            throw new IllegalArgumentException(" (HOST an IP address or DNS name)");
        }
        if (port == null) {
            if (portRequired) {
                throw new IllegalArgumentException("");
            }
            return InetSocketAddress.createUnresolved(host, 0);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(" (PORT an integer from 0 to 65535)");
        }
        if (p < (portRequired ? 1 : 0) || p > 65535) {
            throw new IllegalArgumentException(" (PORT an integer from 0 to 65535)");
        }
        return InetSocketAddress.createUnresolved(host, p);
    }
}
