package io.github.torrenthttpbridge.servlet;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.torrenthttpbridge.torrent.PieceSize;

/**
 * The filter's configuration: {@code <context-param>}s named {@code torrent-bridge.*}, parsed and validated
 * once at start-up; a bad value fails the deployment with a message naming the parameter.
 */
public record BridgeSettings(boolean enabled, List<String> include, List<String> exclude, long minSize,
                             int pieceSize, InetAddress bindAddress, int port, boolean dht, int dhtPort,
                             List<InetSocketAddress> dhtBootstrap, boolean dhtPublicRouters, URI origin,
                             Path metadataDir, long cacheMiB, List<String> trackers, boolean webSeed,
                             boolean injectLinks, List<String> injectPaths, String statusPath, int hashJobs,
                             Duration maxWait, boolean tracker, URI publicUrl, Limits limits, long diskCacheMiB,
                             Path diskCacheDir) {

    /**
     * Caps on what the public can make the bridge spend.
     *
     * @param maxPeers           peer connections in all
     * @param maxPeersPerTorrent peer connections per torrent
     * @param maxUploadKiB       upload rate for all torrents, KiB/s (0 = none)
     * @param originConnections  concurrent connections to the origin
     * @param hashQueue          hashing jobs that may wait; beyond it ?torrent answers 503 + Retry-After
     * @param metadataMaxMiB     disk the metadata directory may use; beyond it new torrents are not persisted
     */
    public record Limits(int maxPeers, int maxPeersPerTorrent, long maxUploadKiB, int originConnections, int hashQueue,
                         long metadataMaxMiB) {
    }

    public static final String PREFIX = "torrent-bridge.";

    /** Every parameter with its default and meaning (the README's table is generated from the same text). */
    public static final Map<String, String[]> PARAMETERS = new LinkedHashMap<>();

    static {
        p("enabled", "true", "false turns the filter into a pass-through and starts no bridge");
        p("include", "/*", "comma-separated path patterns of files that may be bridged (/dir/*, *.iso, exact paths)");
        p("exclude", "", "patterns never bridged (WEB-INF and META-INF never are)");
        p("min-size", "1048576", "smallest file bridged, bytes");
        p("piece-size", "auto", "piece size of generated torrents: auto or a power of two 16384..16777216");
        p("bind", "0.0.0.0", "address for the BitTorrent listener and DHT node");
        p("port", "6881", "TCP port for peers (0 = any free port)");
        p("dht", "true", "announce torrents on the Mainline DHT");
        p("dht-port", "6881", "UDP port of the DHT node (0 = any free port)");
        p("dht-bootstrap", "", "extra DHT bootstrap nodes, comma-separated HOST:PORT");
        p("dht-public-routers", "true", "bootstrap the DHT from the public routers");
        p("origin", "(derived)", "base URL the bridge fetches this site's files from; default http://<local address and port of the connector that took the first request><context path>; never taken from request headers (Host, X-Forwarded-*)");
        p("metadata-dir", "(temp dir)/torrent-bridge", "where generated torrents are kept across restarts; default under the context's jakarta.servlet.context.tempdir");
        p("cache-mib", "128", "memory for verified pieces, MiB");
        p("disk-cache-mib", "1024", "disk for verified pieces below the memory cache, MiB (0 = none); pieces read back are verified again");
        p("disk-cache-dir", "(metadata-dir)/piece-cache", "directory of the disk cache, used by this bridge alone (locked); its span files are deleted at start and at stop");
        p("trackers", "", "announce URLs added to generated torrents and magnets, comma-separated");
        p("webseed", "true", "list the file's own URL as a web seed (BEP 19) in generated torrents");
        p("inject-links", "true", "add torrent and magnet links after links to bridged files in HTML pages");
        p("inject-paths", "/*", "patterns of HTML pages that get links");
        p("status-path", "/torrent-bridge/", "path of the status page (HTML; ?format=json for JSON)");
        p("hash-jobs", "1", "files hashed at once (background pool)");
        p("max-wait", "0", "seconds a ?torrent request waits for hashing before answering 202 Accepted");
        p("tracker", "true", "run the built-in HTTP tracker at <status-path>announce (and scrape) and list it first in generated torrents and magnets");
        p("public-url", "(origin)", "the site's public base URL, used for the built-in tracker's URL in torrents; default: the origin URL");
        p("max-peers", "200", "peer connections in all");
        p("max-peers-per-torrent", "50", "peer connections per torrent");
        p("max-upload-kib", "0", "upload rate cap for all torrents together, KiB/s (0 = no cap)");
        p("origin-connections", "8", "concurrent connections the bridge opens to the origin");
        p("hash-queue", "100", "files that may wait for hashing; beyond it ?torrent answers 503 with Retry-After");
        p("metadata-max-mib", "256", "disk the metadata directory may use, MiB; beyond it new torrents are kept in memory only");
    }

    private static void p(String name, String def, String doc) {
        PARAMETERS.put(PREFIX + name, new String[] {def, doc});
    }

    /** Parses the parameters; {@code get} returns a parameter's value or null. */
    public static BridgeSettings parse(Function<String, String> get, Path tempDir) {
        Parser p = new Parser(get);
        boolean enabled = p.bool("enabled");
        List<String> include = p.list("include");
        List<String> exclude = p.list("exclude");
        for (String pattern : concat(include, exclude)) {
            if (!pattern.startsWith("/") && !pattern.startsWith("*.")) {
                throw p.bad(include.contains(pattern) ? "include" : "exclude", pattern, "a pattern starts with '/' or '*.'");
            }
        }
        long minSize = p.longValue("min-size", 0, Long.MAX_VALUE);
        String ps = p.raw("piece-size");
        int pieceSize = 0;
        if (!ps.equals("auto")) {
            try {
                pieceSize = PieceSize.validate(Long.parseLong(ps));
            } catch (IllegalArgumentException e) {
                throw p.bad("piece-size", ps, "auto or a power of two between 16384 and 16777216");
            }
        }
        InetAddress bind;
        try {
            bind = InetAddress.getByName(p.raw("bind"));
        } catch (UnknownHostException e) {
            throw p.bad("bind", p.raw("bind"), "an IP address");
        }
        int port = (int) p.longValue("port", 0, 65535);
        boolean dht = p.bool("dht");
        int dhtPort = (int) p.longValue("dht-port", 0, 65535);
        List<InetSocketAddress> bootstrap = new ArrayList<>();
        for (String node : p.list("dht-bootstrap")) {
            int colon = node.lastIndexOf(':');
            try {
                int np = Integer.parseInt(node.substring(colon + 1));
                if (colon <= 0 || np < 1 || np > 65535) {
                    throw new NumberFormatException();
                }
                bootstrap.add(InetSocketAddress.createUnresolved(node.substring(0, colon).replaceAll("^\\[|\\]$", ""), np));
            } catch (RuntimeException e) {
                throw p.bad("dht-bootstrap", node, "HOST:PORT");
            }
        }
        boolean routers = p.bool("dht-public-routers");
        URI origin = null;
        String o = p.raw("origin");
        if (!o.equals("(derived)")) {
            try {
                origin = URI.create(o.replaceAll("/+$", ""));
            } catch (IllegalArgumentException e) {
                throw p.bad("origin", o, "an absolute http(s) URL");
            }
            if (origin.getScheme() == null || !origin.getScheme().matches("https?") || origin.getHost() == null
                    || origin.getRawQuery() != null || origin.getRawFragment() != null) {
                throw p.bad("origin", o, "an absolute http(s) URL without query or fragment");
            }
        }
        String md = p.raw("metadata-dir");
        Path metadataDir = md.startsWith("(") ? tempDir.resolve("torrent-bridge") : Path.of(md);
        long cache = p.longValue("cache-mib", 0, 1 << 20);
        long diskCache = p.longValue("disk-cache-mib", 0, 1L << 30);
        String dcd = p.raw("disk-cache-dir");
        Path diskCacheDir = dcd.startsWith("(") ? metadataDir.resolve("piece-cache") : Path.of(dcd);
        List<String> trackers = p.list("trackers");
        for (String t : trackers) {
            if (!t.matches("(?i)(https?|udp)://.+")) {
                throw p.bad("trackers", t, "http://, https:// or udp:// announce URLs");
            }
        }
        boolean webSeed = p.bool("webseed");
        boolean inject = p.bool("inject-links");
        List<String> injectPaths = p.list("inject-paths");
        String status = p.raw("status-path");
        if (!status.startsWith("/") || !status.endsWith("/")) {
            throw p.bad("status-path", status, "a path starting and ending with '/'");
        }
        int jobs = (int) p.longValue("hash-jobs", 1, 64);
        Duration maxWait = Duration.ofSeconds(p.longValue("max-wait", 0, 3600));
        boolean tracker = p.bool("tracker");
        URI publicUrl = null;
        String pu = p.raw("public-url");
        if (!pu.equals("(origin)")) {
            try {
                publicUrl = URI.create(pu.replaceAll("/+$", ""));
            } catch (IllegalArgumentException e) {
                throw p.bad("public-url", pu, "an absolute http(s) URL");
            }
            if (publicUrl.getScheme() == null || !publicUrl.getScheme().matches("https?") || publicUrl.getHost() == null) {
                throw p.bad("public-url", pu, "an absolute http(s) URL");
            }
        }
        Limits limits = new Limits((int) p.longValue("max-peers", 1, 100_000),
                (int) p.longValue("max-peers-per-torrent", 1, 100_000), p.longValue("max-upload-kib", 0, 1L << 30),
                (int) p.longValue("origin-connections", 1, 1024), (int) p.longValue("hash-queue", 1, 100_000),
                p.longValue("metadata-max-mib", 1, 1L << 30));
        return new BridgeSettings(enabled, include, exclude, minSize, pieceSize, bind, port, dht, dhtPort,
                List.copyOf(bootstrap), routers, origin, metadataDir, cache, trackers, webSeed, inject,
                injectPaths, status, jobs, maxWait, tracker, publicUrl, limits, diskCache, diskCacheDir);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Whether {@code path} may be bridged: matches include, not exclude, not under WEB-INF or META-INF. */
    public boolean allows(String path) {
        String upper = path.toUpperCase(java.util.Locale.ROOT);
        if (upper.startsWith("/WEB-INF") || upper.startsWith("/META-INF") || path.contains("/../") || path.endsWith("/")) {
            return false;
        }
        return matchesAny(path, include) && !matchesAny(path, exclude);
    }

    public boolean injectsInto(String path) {
        return injectLinks && matchesAny(path, injectPaths);
    }

    static boolean matchesAny(String path, List<String> patterns) {
        for (String p : patterns) {
            if (p.equals("/*") || p.equals(path)
                    || (p.endsWith("/*") && path.startsWith(p.substring(0, p.length() - 1)))
                    || (p.startsWith("*.") && path.endsWith(p.substring(1)))) {
                return true;
            }
        }
        return false;
    }

    private static final class Parser {
        private final Function<String, String> get;

        Parser(Function<String, String> get) {
            this.get = get;
        }

        String raw(String name) {
            String v = get.apply(PREFIX + name);
            return v == null ? PARAMETERS.get(PREFIX + name)[0] : v.trim();
        }

        IllegalArgumentException bad(String name, String value, String expected) {
            return new IllegalArgumentException("bad value '" + value + "' for " + PREFIX + name + ": expected " + expected);
        }

        boolean bool(String name) {
            String v = raw(name);
            if (v.equalsIgnoreCase("true")) {
                return true;
            }
            if (v.equalsIgnoreCase("false")) {
                return false;
            }
            throw bad(name, v, "true or false");
        }

        long longValue(String name, long min, long max) {
            String v = raw(name);
            try {
                long l = Long.parseLong(v);
                if (l < min || l > max) {
                    throw new NumberFormatException();
                }
                return l;
            } catch (NumberFormatException e) {
                throw bad(name, v, "an integer from " + min + " to " + max);
            }
        }

        List<String> list(String name) {
            String v = raw(name);
            if (v.isBlank()) {
                return List.of();
            }
            return Arrays.stream(v.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
        }
    }
}
