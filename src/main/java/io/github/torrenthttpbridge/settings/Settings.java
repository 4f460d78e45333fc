package io.github.torrenthttpbridge.settings;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.torrenthttpbridge.settings.Setting.Kind;
import io.github.torrenthttpbridge.settings.Setting.Use;

import static io.github.torrenthttpbridge.settings.Setting.Use.SEED;
import static io.github.torrenthttpbridge.settings.Setting.Use.SITE;

/**
 * The settings table: every {@code torrent-bridge.*} setting, declared once with its type, default, range, one line
 * of documentation and where it applies ({@link Use}). The context parameters, the Spring properties and their
 * metadata, the CLI's flags, the README's table and the API builders' defaults and checks all read it.
 *
 * <p>A new setting is one row here (and in {@link #all()}'s list) plus the code that uses it: its setter on the
 * builder that holds it, which checks the value with the row ({@link Setting#check}).
 */
public final class Settings {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * 1024;
    /** The longest torrent the metainfo code accepts (TorrentMetadata.MAX_LENGTH; a test holds them equal). */
    static final long MAX_TORRENT_LENGTH = 1L << 50;

    private Settings() {
    }

    public static final Setting ENABLED = row("enabled", Kind.BOOLEAN, "true",
            "false turns the filter into a pass-through and starts no bridge", SITE);
    public static final Setting INCLUDE = row("include", Kind.LIST, "/*",
            "comma-separated path patterns of files that may be bridged (/dir/*, *.iso, exact paths)", SITE);
    public static final Setting EXCLUDE = row("exclude", Kind.LIST, "",
            "patterns never bridged (WEB-INF and META-INF never are)", SITE);
    public static final Setting MIN_SIZE = integer("min-size", 1048576L, 0, Long.MAX_VALUE, 1,
            "smallest file bridged, bytes", SITE);
    public static final Setting PIECE_SIZE = row("piece-size", Kind.CHOICE, "auto",
            "piece size of generated torrents: auto or a power of two 16384..16777216", SITE, SEED);
    public static final Setting BIND = row("bind", Kind.ADDRESS, "0.0.0.0",
            "address for the BitTorrent listener and DHT node", SITE, SEED);
    public static final Setting PORT = integer("port", 6881L, 0, 65535, 1,
            "TCP port for peers (0 = any free port, shown on the status page and used in every announce); a port that cannot be bound fails the web application's start", SITE, SEED);
    public static final Setting ANNOUNCE_ADDRESS = row("announce-address", Kind.HOST_PORT, "(bind address and port)",
            "HOST or HOST:PORT peers reach this bridge at (an IP or DNS name; no port or 0 = the peer port): announced to the DHT (the port) and to every tracker in `trackers` (the port, and the host as BEP 3's `ip`), and published to the other instances sharing the metadata directory, whose built-in trackers list it. Default: the bind address and the peer port (with a wildcard bind, trackers and the DHT see the address announces come from, and other instances cannot list this one). Announces and outgoing peer connections leave from `bind` when it is a specific address", SITE, SEED);
    public static final Setting DHT = row("dht", Kind.BOOLEAN, "true",
            "announce torrents on the Mainline DHT", SITE);
    public static final Setting DHT_PORT = integer("dht-port", 6881L, 0, 65535, 1,
            "UDP port of the DHT node (0 = any free port); a port that cannot be bound fails the start", SITE, SEED);
    public static final Setting DHT_BOOTSTRAP = row("dht-bootstrap", Kind.HOST_PORTS, "",
            "extra DHT bootstrap nodes, comma-separated HOST:PORT", SITE);
    public static final Setting DHT_PUBLIC_ROUTERS = row("dht-public-routers", Kind.BOOLEAN, "true",
            "bootstrap the DHT from the public routers", SITE);
    public static final Setting ORIGIN = row("origin", Kind.URL, "(derived)",
            "base URL the bridge fetches this site's files from; default http://<local address and port of the connector that took the first request><context path>; never taken from request headers (Host, X-Forwarded-*)", SITE);
    public static final Setting METADATA_DIR = row("metadata-dir", Kind.PATH, "(temp dir)/torrent-bridge",
            "where the torrents' info dictionaries are kept across restarts; default under the context's jakarta.servlet.context.tempdir; several instances of a site may share one (e.g. on NFS): each file is then hashed once for all of them, and their built-in trackers list each other", SITE);
    public static final Setting HASH_LEASE = integer("hash-lease", 30L, 5, 3600, 1,
            "seconds a hashing claim in the metadata directory holds without renewal (renewed every few seconds while hashing); after it another instance sharing the directory takes the job over (see [Several instances of one site](#several-instances-of-one-site-a-cluster))", SITE);
    public static final Setting CACHE_MIB = integer("cache-mib", 128L, 0, 1L << 20, MIB,
            "memory for verified pieces, MiB", SITE, SEED);
    public static final Setting DISK_CACHE_MIB = integer("disk-cache-mib", 1024L, 0, 1L << 30, MIB,
            "disk for verified pieces below the memory cache, MiB (0 = none); pieces read back are verified again", SITE, SEED);
    public static final Setting DISK_CACHE_DIR = row("disk-cache-dir", Kind.PATH, "(a temporary directory of this instance)",
            "directory of the disk cache, used by this bridge alone (locked); its span files are deleted at start and at stop. Default: a new directory torrent-bridge-cache* in java.io.tmpdir, removed at stop (one left by a killed process is removed at the next start), so instances sharing a metadata-dir need no setting of their own", SITE, SEED);
    public static final Setting TRACKERS = row("trackers", Kind.LIST, "",
            "announce URLs added to torrents and magnets, comma-separated (read at every request, never stored)", SITE);
    public static final Setting WEBSEED = row("webseed", Kind.BOOLEAN, "true",
            "list the file's public URL (public-url + path) as a web seed (BEP 19) in torrents and magnets", SITE);
    public static final Setting INJECT_LINKS = row("inject-links", Kind.BOOLEAN, "true",
            "add torrent and magnet links after links to bridged files in HTML pages", SITE);
    public static final Setting INJECT_PATHS = row("inject-paths", Kind.LIST, "/*",
            "patterns of HTML pages that get links", SITE);
    public static final Setting STATUS_PATH = row("status-path", Kind.TEXT, "/torrent-bridge/",
            "path of the status page (HTML; ?format=json for JSON)", SITE);
    public static final Setting HASH_JOBS = integer("hash-jobs", 1L, 1, 64, 1,
            "files hashed at once (background pool)", SITE);
    public static final Setting MAX_WAIT = integer("max-wait", 0L, 0, 3600, 1,
            "seconds a ?torrent request waits for hashing before answering 202 Accepted", SITE);
    public static final Setting TRACKER = row("tracker", Kind.BOOLEAN, "true",
            "run the built-in HTTP tracker at <status-path>announce (and scrape) and list it first in torrents and magnets", SITE);
    public static final Setting PUBLIC_URL = row("public-url", Kind.URL, "(origin)",
            "the site's public base URL, used for the built-in tracker's URL and the web seeds in torrents and magnets; default: the origin URL", SITE);
    public static final Setting TRUSTED_PROXIES = row("trusted-proxies", Kind.LIST, "",
            "addresses and CIDR blocks (comma-separated, e.g. 127.0.0.1, 10.0.0.0/8) of the proxies in front of the site whose X-Forwarded-For / Forwarded headers are believed: the built-in tracker then rate-limits and lists the real client address; from anyone else those headers are ignored", SITE);
    public static final Setting MAX_PEERS = integer("max-peers", 200L, 1, 100_000, 1,
            "peer connections in all", SITE, SEED);
    public static final Setting MAX_PEERS_PER_TORRENT = integer("max-peers-per-torrent", 50L, 1, 100_000, 1,
            "peer connections per torrent", SITE, SEED);
    public static final Setting MAX_UPLOAD_KIB = integer("max-upload-kib", 0L, 0, 1L << 30, KIB,
            "upload rate cap for all torrents together, KiB/s (0 = no cap)", SITE, SEED);
    public static final Setting SEEDING = row("seeding", Kind.CHOICE, "plain",
            "how pieces are shown to peers: economical (each peer is shown a few pieces the swarm lacks, so each piece leaves the bridge about once per swarm and the peers pass it on; peers with nobody to trade with or arriving late get what they lack) or plain (every piece to every peer, as an ordinary seed; the default until peers that do not read can no longer hold shown pieces)", SITE, SEED);
    public static final Setting ORIGIN_CONNECTIONS = integer("origin-connections", 8L, 1, 1024, 1,
            "concurrent connections the bridge opens to the origin", SITE, SEED);
    public static final Setting HASH_QUEUE = integer("hash-queue", 100L, 1, 100_000, 1,
            "files that may wait for hashing; beyond it ?torrent answers 503 with Retry-After", SITE);
    public static final Setting METADATA_MAX_MIB = integer("metadata-max-mib", 256L, 1, 1L << 30, MIB,
            "disk the metadata directory may use, MiB; beyond it new torrents are kept in memory only", SITE);
    public static final Setting MAX_FOLDER_FILES = integer("max-folder-files", 1000L, 1, 1_000_000, 1,
            "most files in one directory's torrent (D/?torrent); a directory with more gets none (404 with the reason)", SITE);
    public static final Setting MAX_FOLDER_BYTES = integer("max-folder-bytes", 68719476736L, 1, MAX_TORRENT_LENGTH, 1,
            "most bytes in one directory's torrent (default 64 GiB); a larger directory gets none", SITE);
    public static final Setting MAX_PEERS_PER_IP = integer("max-peers-per-ip", 8L, 1, 100_000, 1,
            "connections from one IP address, handshaking or established (raise it for tests on 127.0.0.1)", SITE, SEED);
    public static final Setting MAX_HANDSHAKES = integer("max-handshakes", 128L, 1, 100_000, 1,
            "incoming connections still handshaking, in all; more are refused", SITE, SEED);
    public static final Setting MAX_HANDSHAKES_PER_IP = integer("max-handshakes-per-ip", 8L, 1, 100_000, 1,
            "incoming connections still handshaking from one IP address; also its MSE key exchanges a second", SITE, SEED);
    public static final Setting KEY_EXCHANGES_PER_SECOND = integer("key-exchanges-per-second", 100L, 1, 1_000_000, 1,
            "MSE (encrypted) handshakes accepted a second, in all; more are refused (each costs two 768-bit modular exponentiations)", SITE, SEED);
    public static final Setting SEND_BUFFER_KIB = integer("send-buffer-kib", 1024L, 64, 1L << 20, KIB,
            "bytes queued for one peer, every message counted, KiB; a peer whose queue is full is not read until it drains", SITE, SEED);
    public static final Setting SEND_TOTAL_MIB = integer("send-total-mib", 64L, 1, 1L << 20, MIB,
            "bytes queued for all peers together, MiB; beyond it peers with anything queued are not read", SITE, SEED);
    public static final Setting PINNED_MIB_PER_PEER = integer("pinned-mib-per-peer", 8L, 0, 1L << 20, MIB,
            "memory one peer's requests may pin in the piece cache, MiB (at least one span); its other requests wait as requests", SITE, SEED);
    public static final Setting ORIGIN_LOADS_PER_PEER = integer("origin-loads-per-peer", 4L, 1, 1024, 1,
            "origin loads one peer's requests may have in flight", SITE, SEED);
    public static final Setting ORIGIN_RATIO = integer("origin-ratio", 2L, 1, 1000, 1,
            "origin bytes an IP address may cause per byte it takes (beyond `origin-allowance-mib`) before it is choked, then dropped", SITE, SEED);
    public static final Setting ORIGIN_ALLOWANCE_MIB = integer("origin-allowance-mib", 64L, 0, 1L << 30, MIB,
            "origin bytes an IP address may cause before `origin-ratio` applies, MiB", SITE, SEED);
    public static final Setting TORRENT_VERSION = row("torrent-version", Kind.CHOICE, "v1",
            "metainfo of new torrents: v1, hybrid (v1 + BEP 52 v2 in one torrent) or v2 (v2 clients only)", SITE, SEED);

    private static final List<Setting> ALL = List.of(
            ENABLED, INCLUDE, EXCLUDE, MIN_SIZE, PIECE_SIZE, BIND, PORT, ANNOUNCE_ADDRESS, DHT, DHT_PORT, DHT_BOOTSTRAP, DHT_PUBLIC_ROUTERS, ORIGIN, METADATA_DIR, HASH_LEASE, CACHE_MIB, DISK_CACHE_MIB, DISK_CACHE_DIR, TRACKERS, WEBSEED, INJECT_LINKS, INJECT_PATHS, STATUS_PATH, HASH_JOBS, MAX_WAIT, TRACKER, PUBLIC_URL, TRUSTED_PROXIES, MAX_PEERS, MAX_PEERS_PER_TORRENT, MAX_UPLOAD_KIB, SEEDING, ORIGIN_CONNECTIONS, HASH_QUEUE, METADATA_MAX_MIB, MAX_FOLDER_FILES, MAX_FOLDER_BYTES, MAX_PEERS_PER_IP, MAX_HANDSHAKES, MAX_HANDSHAKES_PER_IP, KEY_EXCHANGES_PER_SECOND, SEND_BUFFER_KIB, SEND_TOTAL_MIB, PINNED_MIB_PER_PEER, ORIGIN_LOADS_PER_PEER, ORIGIN_RATIO, ORIGIN_ALLOWANCE_MIB, TORRENT_VERSION);

    private static final Map<String, Setting> BY_NAME = new LinkedHashMap<>();

    static {
        for (Setting s : ALL) {
            if (BY_NAME.put(s.name(), s) != null) {
                throw new IllegalStateException("two rows for " + s.name());
            }
        }
    }

    private static Setting row(String key, Kind kind, String shownDefault, String doc, Use... uses) {
        return new Setting(key, kind, shownDefault, 0, 0, 1, doc, EnumSet.copyOf(List.of(uses)));
    }

    private static Setting integer(String key, long def, long min, long max, long unit, String doc, Use... uses) {
        return new Setting(key, Kind.INTEGER, Long.toString(def), min, max, unit, doc, EnumSet.copyOf(List.of(uses)));
    }

    /** Every setting, in documentation order. */
    public static List<Setting> all() {
        return ALL;
    }

    /** The setting of a full name ({@code torrent-bridge.port}), if there is one. */
    public static Optional<Setting> named(String fullName) {
        return Optional.ofNullable(BY_NAME.get(fullName));
    }

    /**
     * Refuses a {@code torrent-bridge.*} name that is no setting (a typo), with one line naming the closest known
     * one: {@code unknown setting torrent-bridge.max-upload-kb (did you mean torrent-bridge.max-upload-kib?)}.
     * Names without the prefix are not ours and are left alone.
     *
     * @param where how the names were given, for the message ("context parameter", "property", ...)
     */
    public static void requireKnown(Collection<String> names, String where) {
        for (String n : names) {
            if (n.startsWith(Setting.PREFIX) && !BY_NAME.containsKey(n)) {
                throw new IllegalArgumentException("unknown " + where + " " + n + " (did you mean " + closest(n).name() + "?)");
            }
        }
    }

    /** The known setting whose name is the fewest edits away from {@code name}. */
    public static Setting closest(String name) {
        Setting best = ALL.get(0);
        int bestDistance = Integer.MAX_VALUE;
        for (Setting s : ALL) {
            int d = distance(name, s.name());
            if (d < bestDistance) {
                best = s;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The README's table of the settings (header and one row each), as it must appear there. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| parameter | default | meaning |\n|---|---|---|\n");
        for (Setting s : ALL) {
            sb.append(s.markdownRow()).append('\n');
        }
        return sb.toString();
    }
}
