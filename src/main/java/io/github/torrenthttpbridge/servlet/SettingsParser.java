package io.github.torrenthttpbridge.servlet;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static io.github.torrenthttpbridge.servlet.BridgeSettings.PREFIX;

/**
 * The {@code torrent-bridge.*} context parameters: their names, documented defaults and meanings, and how each
 * one's text becomes a {@link BridgeSettings.Builder} setting. A parameter that is not set, or set blank, keeps
 * the builder's default; nothing compares a value with a documented default.
 */
public final class SettingsParser {
    private SettingsParser() {
    }

    /**
     * One context parameter, for documentation (web.xml and the README's table list each).
     *
     * @param name        full name, {@code torrent-bridge.*}
     * @param shownDefault the default as documented; in parentheses when it is derived rather than a value
     * @param doc         what it means
     */
    public record Parameter(String name, String shownDefault, String doc) {
    }


    /** Every parameter with its default and meaning, in documentation order. */
    static final List<Parameter> PARAMETERS = List.of(
            p("enabled", "true", "false turns the filter into a pass-through and starts no bridge"),
            p("include", "/*", "comma-separated path patterns of files that may be bridged (/dir/*, *.iso, exact paths)"),
            p("exclude", "", "patterns never bridged (WEB-INF and META-INF never are)"),
            p("min-size", "1048576", "smallest file bridged, bytes"),
            p("piece-size", "auto", "piece size of generated torrents: auto or a power of two 16384..16777216"),
            p("bind", "0.0.0.0", "address for the BitTorrent listener and DHT node"),
            p("port", "6881", "TCP port for peers (0 = any free port, shown on the status page and used in every announce); a port that cannot be bound fails the web application's start"),
            p("announce-address", "(bind address and port)", "HOST or HOST:PORT peers reach this bridge at (an IP or DNS name; no port or 0 = the peer port): announced to the DHT (the port) and to every tracker in trackers (port, and host as BEP 3's ip), and published to the other instances sharing the metadata directory, whose built-in trackers list it; default the bind address and the peer port (a wildcard bind: trackers and the DHT see the address announces come from, and other instances cannot list this one)"),
            p("dht", "true", "announce torrents on the Mainline DHT"),
            p("dht-port", "6881", "UDP port of the DHT node (0 = any free port); a port that cannot be bound fails the start"),
            p("dht-bootstrap", "", "extra DHT bootstrap nodes, comma-separated HOST:PORT"),
            p("dht-public-routers", "true", "bootstrap the DHT from the public routers"),
            p("origin", "(derived)", "base URL the bridge fetches this site's files from; default http://<local address and port of the connector that took the first request><context path>; never taken from request headers (Host, X-Forwarded-*)"),
            p("metadata-dir", "(temp dir)/torrent-bridge", "where the torrents' info dictionaries are kept across restarts; default under the context's jakarta.servlet.context.tempdir; several instances of a site may share one (e.g. on NFS): each file is then hashed once for all, and their built-in trackers list each other"),
            p("hash-lease", "30", "seconds a hashing claim in the metadata directory holds without renewal (renewed while hashing); after it another instance sharing the directory takes the job over"),
            p("cache-mib", "128", "memory for verified pieces, MiB"),
            p("disk-cache-mib", "1024", "disk for verified pieces below the memory cache, MiB (0 = none); pieces read back are verified again"),
            p("disk-cache-dir", "(a temporary directory of this instance)", "directory of the disk cache, used by this bridge alone (locked); its span files are deleted at start and at stop. Default: a new directory torrent-bridge-cache* in java.io.tmpdir, removed at stop (one left by a killed process is removed at the next start), so instances sharing a metadata-dir need no setting of their own"),
            p("trackers", "", "announce URLs added to torrents and magnets, comma-separated (read at every request, never stored)"),
            p("webseed", "true", "list the file's public URL (public-url + path) as a web seed (BEP 19) in torrents and magnets"),
            p("inject-links", "true", "add torrent and magnet links after links to bridged files in HTML pages"),
            p("inject-paths", "/*", "patterns of HTML pages that get links"),
            p("status-path", "/torrent-bridge/", "path of the status page (HTML; ?format=json for JSON)"),
            p("hash-jobs", "1", "files hashed at once (background pool)"),
            p("max-wait", "0", "seconds a ?torrent request waits for hashing before answering 202 Accepted"),
            p("tracker", "true", "run the built-in HTTP tracker at <status-path>announce (and scrape) and list it first in torrents and magnets"),
            p("public-url", "(origin)", "the site's public base URL, used for the built-in tracker's URL and the web seeds in torrents and magnets; default: the origin URL"),
            p("trusted-proxies", "", "addresses and CIDR blocks (comma-separated, e.g. 127.0.0.1, 10.0.0.0/8) of the proxies in front of the site whose X-Forwarded-For / Forwarded headers are believed: the built-in tracker then rate-limits and lists the real client address; from anyone else those headers are ignored"),
            p("max-peers", "200", "peer connections in all"),
            p("max-peers-per-torrent", "50", "peer connections per torrent"),
            p("max-upload-kib", "0", "upload rate cap for all torrents together, KiB/s (0 = no cap)"),
            p("seeding", "economical", "how pieces are shown to peers: economical (each peer is shown a few pieces the swarm lacks, so each piece leaves the bridge about once per swarm and the peers pass it on; a peer with nobody to trade with gets everything at the cap) or plain (every piece to every peer, as an ordinary seed)"),
            p("origin-connections", "8", "concurrent connections the bridge opens to the origin"),
            p("hash-queue", "100", "files that may wait for hashing; beyond it ?torrent answers 503 with Retry-After"),
            p("metadata-max-mib", "256", "disk the metadata directory may use, MiB; beyond it new torrents are kept in memory only"),
            p("max-folder-files", "1000", "most files in one directory's torrent (D/?torrent); a directory with more gets none (404 with the reason)"),
            p("max-folder-bytes", "68719476736", "most bytes in one directory's torrent (default 64 GiB); a larger directory gets none"),
            p("max-peers-per-ip", "8", "connections from one IP address, handshaking or established (raise it for tests on 127.0.0.1)"),
            p("max-handshakes", "128", "incoming connections still handshaking, in all; more are refused"),
            p("max-handshakes-per-ip", "8", "incoming connections still handshaking from one IP address; also its MSE key exchanges a second"),
            p("key-exchanges-per-second", "100", "MSE (encrypted) handshakes accepted a second, in all; more are refused (each costs two 768-bit modular exponentiations)"),
            p("send-buffer-kib", "1024", "bytes queued for one peer, every message counted, KiB; a peer whose queue is full is not read until it drains"),
            p("send-total-mib", "64", "bytes queued for all peers together, MiB; beyond it peers with anything queued are not read"),
            p("pinned-mib-per-peer", "8", "memory one peer's requests may pin in the piece cache, MiB (at least one span); its other requests wait as requests"),
            p("origin-loads-per-peer", "4", "origin loads one peer's requests may have in flight"),
            p("origin-ratio", "2", "origin bytes an IP address may cause per byte it takes (beyond origin-allowance-mib) before it is choked, then dropped"),
            p("origin-allowance-mib", "64", "origin bytes an IP address may cause before origin-ratio applies, MiB"),
            p("torrent-version", "v1", "metainfo of new torrents: v1, hybrid (v1 + BEP 52 v2 in one torrent) or v2 (v2 clients only)"));

    /** The placeholders release 0.1's demo web.xml used as values; read as "not set" so old web.xml files still deploy. */
    private static final Set<String> OLD_PLACEHOLDERS = Set.of("(derived)", "(origin)", "(temp dir)/torrent-bridge");

    private static Parameter p(String name, String def, String doc) {
        return new Parameter(PREFIX + name, def, doc);
    }

    static BridgeSettings parse(Function<String, String> get, BridgeSettings.Builder b) {
        for (Parameter p : PARAMETERS) {
            String v = get.apply(p.name());
            if (v != null && !v.isBlank() && !OLD_PLACEHOLDERS.contains(v.trim())) {
                set(b, p.name(), v.trim());
            }
        }
        return b.build();
    }


    /** Sets a parameter from its text ({@code name} with or without the {@code torrent-bridge.} prefix). */
    static void set(BridgeSettings.Builder b, String name, String value) {
        String n = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
        String v = value.trim();
        switch (n) {
            case "enabled" -> b.enabled(bool(n, v));
            case "include" -> b.include(list(v));
            case "exclude" -> b.exclude(list(v));
            case "min-size" -> b.minSize(number(n, v, "an integer from 0 to " + Long.MAX_VALUE));
            case "piece-size" -> b.pieceSize(v.equals("auto") ? 0 : (int) Math.min(Integer.MAX_VALUE,
                    number(n, v, "auto or a power of two between 16384 and 16777216")));
            case "bind" -> {
                if (!v.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.%\\w]*")) {
                    throw BridgeSettings.bad(n, v, "an IP address");
                }
                try {
                    b.bindAddress(InetAddress.getByName(v));  // a literal: no lookup
                } catch (UnknownHostException e) {
                    throw BridgeSettings.bad(n, v, "an IP address");
                }
            }
            case "port" -> b.port((int) intRange(n, v, 0, 65535));
            case "announce-address" -> b.announceAddress(hostPort(n, v));
            case "hash-lease" -> b.hashLease(Duration.ofSeconds(intRange(n, v, 5, 3600)));
            case "dht" -> b.dht(bool(n, v));
            case "dht-port" -> b.dhtPort((int) intRange(n, v, 0, 65535));
            case "dht-bootstrap" -> {
                List<InetSocketAddress> nodes = new ArrayList<>();
                for (String node : list(v)) {
                    int colon = node.lastIndexOf(':');
                    try {
                        int np = Integer.parseInt(node.substring(colon + 1));
                        if (colon <= 0 || np < 1 || np > 65535) {
                            throw new NumberFormatException();
                        }
                        nodes.add(InetSocketAddress.createUnresolved(node.substring(0, colon).replaceAll("^\\[|\\]$", ""), np));
                    } catch (RuntimeException e) {
                        throw BridgeSettings.bad(n, node, "HOST:PORT");
                    }
                }
                b.dhtBootstrap(nodes);
            }
            case "dht-public-routers" -> b.dhtPublicRouters(bool(n, v));
            case "origin" -> b.origin(url(n, v));
            case "metadata-dir" -> b.metadataDir(Path.of(v));
            case "cache-mib" -> b.cacheMiB(intRange(n, v, 0, 1 << 20));
            case "disk-cache-mib" -> b.diskCacheMiB(intRange(n, v, 0, 1L << 30));
            case "disk-cache-dir" -> b.diskCacheDir(Path.of(v));
            case "trackers" -> b.trackers(list(v));
            case "trusted-proxies" -> b.trustedProxies(list(v));
            case "webseed" -> b.webSeed(bool(n, v));
            case "inject-links" -> b.injectLinks(bool(n, v));
            case "inject-paths" -> b.injectPaths(list(v));
            case "status-path" -> b.statusPath(v);
            case "hash-jobs" -> b.hashJobs((int) intRange(n, v, 1, 64));
            case "max-wait" -> b.maxWait(Duration.ofSeconds(intRange(n, v, 0, 3600)));
            case "tracker" -> b.tracker(bool(n, v));
            case "public-url" -> b.publicUrl(url(n, v));
            case "max-peers" -> b.maxPeers((int) intRange(n, v, 1, 100_000));
            case "max-peers-per-torrent" -> b.maxPeersPerTorrent((int) intRange(n, v, 1, 100_000));
            case "max-upload-kib" -> b.maxUploadKiB(intRange(n, v, 0, 1L << 30));
            case "seeding" -> b.seeding(seedingMode(n, v));
            case "origin-connections" -> b.originConnections((int) intRange(n, v, 1, 1024));
            case "hash-queue" -> b.hashQueue((int) intRange(n, v, 1, 100_000));
            case "metadata-max-mib" -> b.metadataMaxMiB(intRange(n, v, 1, 1L << 30));
            case "max-folder-files" -> b.maxFolderFiles((int) intRange(n, v, 1, 1_000_000));
            case "max-folder-bytes" -> b.maxFolderBytes(intRange(n, v, 1, io.github.torrenthttpbridge.torrent.TorrentMetadata.MAX_LENGTH));
            case "max-peers-per-ip" -> budget(b, n, v, 1, (x, k) -> x.maxPeersPerIp((int) k));
            case "max-handshakes" -> budget(b, n, v, 1, (x, k) -> x.maxHandshakes((int) k));
            case "max-handshakes-per-ip" -> budget(b, n, v, 1, (x, k) -> x.maxHandshakesPerIp((int) k));
            case "key-exchanges-per-second" -> budget(b, n, v, 1, (x, k) -> x.encryptedHandshakesPerSecond((int) k));
            case "send-buffer-kib" -> budget(b, n, v, 1024, (x, k) -> x.sendBufferBytes(k));
            case "send-total-mib" -> budget(b, n, v, 1024 * 1024, (x, k) -> x.totalSendBytes(k));
            case "pinned-mib-per-peer" -> budget(b, n, v, 1024 * 1024, (x, k) -> x.pinnedBytesPerPeer(k));
            case "origin-loads-per-peer" -> budget(b, n, v, 1, (x, k) -> x.originLoadsPerPeer((int) k));
            case "origin-ratio" -> budget(b, n, v, 1, (x, k) -> x.originRatio((int) k));
            case "origin-allowance-mib" -> budget(b, n, v, 1024 * 1024, (x, k) -> x.originAllowanceBytes(k));
            case "torrent-version" -> {
                try {
                    b.torrentVersion(io.github.torrenthttpbridge.torrent.TorrentVersion.parse(v));
                } catch (IllegalArgumentException e) {
                    throw BridgeSettings.bad(n, v, "v1, hybrid or v2");
                }
            }
            default -> throw new IllegalArgumentException("unknown parameter " + PREFIX + n);
        }
    }

    /** HOST, HOST:PORT, [V6] or [V6]:PORT; no port means 0 (the listener's). Never resolved here. */
    static InetSocketAddress hostPort(String name, String v) {
        String host;
        String port = null;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0 || (close + 1 < v.length() && v.charAt(close + 1) != ':')) {
                throw BridgeSettings.bad(name, v, "HOST or HOST:PORT");
            }
            host = v.substring(1, close);
            port = close + 1 < v.length() ? v.substring(close + 2) : null;
        } else if (v.indexOf(':') != v.lastIndexOf(':')) {
            host = v;   // a bare IPv6 address
        } else {
            int colon = v.indexOf(':');
            host = colon < 0 ? v : v.substring(0, colon);
            port = colon < 0 ? null : v.substring(colon + 1);
        }
        if (!host.matches("[A-Za-z0-9.:%-]{1,253}")) {
            throw BridgeSettings.bad(name, v, "HOST or HOST:PORT (HOST an IP address or DNS name)");
        }
        int p = 0;
        if (port != null) {
            p = (int) intRange(name, port, 0, 65535);
        }
        return InetSocketAddress.createUnresolved(host, p);
    }

    private static URI url(String name, String v) {
        try {
            return URI.create(v);
        } catch (IllegalArgumentException e) {
            throw BridgeSettings.bad(name, v, "an absolute http(s) URL without query or fragment");
        }
    }

    private static io.github.torrenthttpbridge.engine.SeedingMode seedingMode(String name, String v) {
        try {
            return io.github.torrenthttpbridge.engine.SeedingMode.of(v);
        } catch (IllegalArgumentException e) {
            throw BridgeSettings.bad(name, v, "economical or plain");
        }
    }

    private static boolean bool(String name, String v) {
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw BridgeSettings.bad(name, v, "true or false");
    }

    private static long number(String name, String v, String expected) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw BridgeSettings.bad(name, v, expected);
        }
    }

    /**
     * A peer budget: {@code v} times {@code unit}, checked by {@code PeerBudgets.Builder} (the one place its range
     * is written); a value it refuses fails with the parameter's name.
     */
    private static void budget(BridgeSettings.Builder b, String name, String v, long unit,
                               java.util.function.ObjLongConsumer<io.github.torrenthttpbridge.engine.PeerBudgets.Builder> set) {
        long n = number(name, v, "an integer");
        if (n > Long.MAX_VALUE / unit) {
            throw BridgeSettings.bad(name, v, "a smaller number");
        }
        try {
            b.peerBudgets(x -> set.accept(x, n * unit));
        } catch (IllegalArgumentException e) {
            throw BridgeSettings.bad(name, v, "a value in range (" + e.getMessage() + (unit > 1 ? ", in bytes" : "") + ")");
        }
    }

    private static long intRange(String name, String v, long min, long max) {
        return BridgeSettings.Builder.check(name, number(name, v, "an integer from " + min + " to " + max), min, max);
    }

    private static List<String> list(String v) {
        return Arrays.stream(v.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
    }
}
