package io.github.torrenthttpbridge.cli;

import java.net.InetSocketAddress;
import java.net.URI;


/** Argument checks shared by the commands. */
final class Cli {
    private Cli() {
    }

    static void checkUrl(URI url) {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("URL must be an absolute http:// or https:// URL, got '" + url + "'");
        }
    }

    /** Parses HOST:PORT (or [v6]:PORT). */
    static InetSocketAddress hostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + s + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + s + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range in '" + s + "'");
        }
        return new InetSocketAddress(host, port);
    }
}
