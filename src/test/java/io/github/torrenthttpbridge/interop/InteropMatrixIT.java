package io.github.torrenthttpbridge.interop;

import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.Callable;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Netns;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interop matrix: the demo site (a 32 MiB file and a folder of two files, web seeds off, so every byte comes
 * over BitTorrent from the bridge, the only seed) and real clients finding it by tracker, DHT or magnet. Everything
 * runs inside a network namespace (see {@link Netns}) with a private DHT router. Prints a table and writes
 * target/interop-matrix.md; every cell must pass, every file byte-identical to the site's.
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class InteropMatrixIT {
    static final String A = Netns.ADDR;
    static final String FILE = "demo-32m.iso";
    static final String FOLDER = "release-1.0";
    static final Path WEBTORRENT = Clients.WEBTORRENT;
    @TempDir
    Path dir;

    record Cell(String client, String version, String path, double seconds, String result) {
    }

    /** What a download must produce: SHA-256 by path below the download directory. */
    record Expected(Map<String, String> sha256) {
        static Expected of(Path files, String torrentName) throws Exception {
            Path root = files.resolve(torrentName);
            Map<String, String> m = new java.util.TreeMap<>();
            if (Files.isRegularFile(root)) {
                m.put(torrentName, Digests.sha256(root));
            } else {
                try (var walk = Files.walk(root)) {
                    for (Path f : walk.filter(Files::isRegularFile).toList()) {
                        m.put(files.relativize(f).toString(), Digests.sha256(f));
                    }
                }
            }
            return new Expected(Map.copyOf(m));
        }

        /** Null when every file is there with the right bytes, else what is wrong. */
        String check(Path dir) throws Exception {
            for (var e : sha256.entrySet()) {
                Path f = dir.resolve(e.getKey());
                if (!Files.isRegularFile(f)) {
                    return e.getKey() + " missing";
                }
                if (!Digests.sha256(f).equals(e.getValue())) {
                    return e.getKey() + " differs";
                }
            }
            return null;
        }
    }

    @Test
    void everyClientDownloadsFromTheBridge() throws Exception {
        List<Cell> cells = new ArrayList<>();
        try (Netns ns = new Netns("matrix")) {
            String router = ns.start(List.of("/usr/bin/python3", Processes.python("dht_node.py"), "--bind", A, "--timeout", "600"))
                    .await("\"port\": (\\d+)", Duration.ofSeconds(20));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path data = dir.resolve("data");
            // the site's log (origin retries and peer connections at debug) lands in target/interop-matrix-site.log
            var site = ns.start(List.of(java, "-Dorg.slf4j.simpleLogger.showDateTime=true",
                    "-Dorg.slf4j.simpleLogger.log.io.github.torrenthttpbridge.origin=debug",
                    "-Dorg.slf4j.simpleLogger.log.io.github.torrenthttpbridge.engine.PeerConnection=debug",
                    "-cp", System.getProperty("java.class.path"), "io.github.torrenthttpbridge.cli.Main",
                    "serve", "webapp", "--host", A, "--port", "8080", "--data", data.toString(), "--torrent-port", "0",
                    "--dht-port", "0",
                    "--param", "torrent-bridge.bind=" + A,
                    "--param", "torrent-bridge.origin=http://" + A + ":8080",
                    "--param", "torrent-bridge.dht-bootstrap=" + A + ":" + router,
                    "--param", "torrent-bridge.dht-public-routers=false",
                    "--param", "torrent-bridge.webseed=false",
                    "--param", "torrent-bridge.metadata-dir=" + dir.resolve("metadata")));
            site.await("torrent port: (\\d+)", Duration.ofSeconds(60));
            String base = "http://" + A + ":8080/files/" + FILE;
            Path torrent = fetchTorrent(ns, base + "?torrent", dir.resolve(FILE + ".torrent"), site);
            Path folderTorrent = fetchTorrent(ns, "http://" + A + ":8080/files/" + FOLDER + "/?torrent",
                    dir.resolve(FOLDER + ".torrent"), site);
            TorrentMetadata folderMeta = TorrentMetadata.parse(Files.readAllBytes(folderTorrent));
            assertTrue(folderMeta.files().size() == 2 && folderMeta.webSeeds().isEmpty(), "folder torrent: " + folderMeta.files());
            TorrentMetadata t = TorrentMetadata.parse(Files.readAllBytes(torrent));
            assertTrue(t.webSeeds().isEmpty(), "web seeds are off for the matrix");
            String magnet = ns.run(List.of("curl", "-s", base + "?magnet"), Duration.ofSeconds(20)).stdout().strip();
            assertTrue(magnet.contains("&tr=") && !magnet.contains("&ws="), magnet);
            String bareMagnet = "magnet:?xt=urn:btih:" + t.infoHash().hex() + "&dn=" + FILE;
            Expected expected = Expected.of(data.resolve("files"), FILE);
            Expected folder = Expected.of(data.resolve("files"), FOLDER);
            // the DHT cell needs the bridge's announces on the router: wait until the status counts both torrents'
            String status = "";
            for (long end = System.nanoTime() + Duration.ofSeconds(90).toNanos(); ; Thread.sleep(500)) {
                status = ns.run(List.of("curl", "-s", "http://" + A + ":8080/torrent-bridge/?format=json"), Duration.ofSeconds(20)).stdout();
                Matcher m = Pattern.compile("\"dhtOk\":(\\d+)").matcher(status);
                if (m.find() && Long.parseLong(m.group(1)) >= 2) {
                    break;
                }
                assertTrue(System.nanoTime() < end, "the bridge did not announce both torrents to the DHT: " + status);
            }
            siteLog = site;

            String lt = Processes.run(List.of("/usr/bin/python3", "-c", "import libtorrent; print(libtorrent.__version__)"),
                    Duration.ofSeconds(20)).stdout().strip();
            cells.add(cell("libtorrent (python)", lt, "magnet via DHT", () -> lt(ns, "--magnet", bareMagnet,
                    "--dht-bootstrap", A + ":" + router), expected, "lt3"));
            cells.add(cell("libtorrent (python)", lt, ".torrent via tracker", () -> lt(ns, "--torrent", torrent.toString()), expected, "lt1"));
            cells.add(cell("libtorrent (python)", lt, "magnet via tracker", () -> lt(ns, "--magnet", magnet), expected, "lt2"));
            cells.add(cell("libtorrent (python)", lt, "folder .torrent via tracker", () -> lt(ns, "--torrent", folderTorrent.toString()),
                    folder, "lt4"));

            String aria = Processes.run(List.of("aria2c", "--version"), Duration.ofSeconds(10)).stdout().lines().findFirst().orElse("?")
                    .replace("aria2 version ", "");
            cells.add(cell("aria2c", aria, ".torrent via tracker", () -> aria(ns, torrent, "--enable-dht=false"), expected, "aria1"));
            cells.add(cell("aria2c", aria, ".torrent via DHT (--dht-entry-point)", () -> aria(ns, torrent, "--enable-dht=true",
                    "--dht-entry-point=" + A + ":" + router, "--bt-exclude-tracker=*",
                    "--dht-file-path=" + dir.resolve("aria-dht.dat")), expected, "aria2"));
            cells.add(cell("aria2c", aria, "folder .torrent via tracker", () -> aria(ns, folderTorrent, "--enable-dht=false"), folder, "aria3"));

            String tr = Processes.run(List.of("transmission-cli", "--version"), Duration.ofSeconds(10)).stderr().strip()
                    .replace("transmission-cli ", "");
            for (var c : List.of(Map.entry(torrent, expected), Map.entry(folderTorrent, folder))) {
                boolean isFolder = c.getKey() == folderTorrent;
                cells.add(cell("transmission-cli", tr.isEmpty() ? "3.00" : tr, (isFolder ? "folder " : "") + ".torrent via tracker",
                        () -> polled(ns, Clients.transmission(current, dir.resolve(isFolder ? "tr-config2" : "tr-config"), c.getKey()),
                                c.getValue()), c.getValue(), isFolder ? "tr2" : "tr"));
            }

            String wt = Files.isExecutable(WEBTORRENT)
                    ? Processes.run(List.of(WEBTORRENT.toString(), "--version"), Duration.ofSeconds(20)).stdout().strip() : "missing";
            for (var c : List.of(Map.entry(torrent, expected), Map.entry(folderTorrent, folder))) {
                boolean isFolder = c.getKey() == folderTorrent;
                cells.add(cell("webtorrent-cli", wt, (isFolder ? "folder " : "") + ".torrent via tracker",
                        () -> polled(ns, Clients.webtorrent(current, c.getKey()), c.getValue()), c.getValue(), isFolder ? "wt2" : "wt"));
            }

            String qbt = Processes.run(List.of("qbittorrent-nox", "--version"), Duration.ofSeconds(20)).stdout().strip()
                    .replace("qBittorrent v", "");
            cells.add(cell("qbittorrent-nox", qbt, ".torrent via tracker", () -> qbittorrent(ns, torrent, expected), expected, "qbt1"));
            cells.add(cell("qbittorrent-nox", qbt, "folder .torrent via tracker", () -> qbittorrent(ns, folderTorrent, folder), folder, "qbt2"));

            String rt = Processes.run(List.of("rtorrent", "-h"), Duration.ofSeconds(20)).stdout().lines()
                    .filter(l -> l.contains("version")).findFirst().orElse("?").replaceAll(".*version ([0-9.]+[0-9]).*", "$1");
            cells.add(cell("rtorrent", rt, ".torrent via tracker", () -> rtorrent(ns, torrent, expected), expected, "rt1"));
            cells.add(cell("rtorrent", rt, "folder .torrent via tracker", () -> rtorrent(ns, folderTorrent, folder), folder, "rt2"));
            Files.writeString(Path.of("target", "interop-matrix-site.log"), site.stderr());
        }
        StringBuilder table = new StringBuilder("| client | version | discovery | seconds to complete | result |\n|---|---|---|---|---|\n");
        for (Cell c : cells) {
            table.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %s |%n", c.client(), c.version(), c.path(), c.seconds(),
                    c.result()));
        }
        System.out.println(table);
        Files.writeString(Path.of("target", "interop-matrix.md"), table.toString());
        Files.writeString(Path.of("target", "interop-matrix-failures.txt"), details.toString());
        assertTrue(cells.stream().allMatch(c -> c.result().equals("ok")), table + "\n" + details);
    }

    private Path current;
    /** When a client that keeps running had every file right (its shutdown is not download time). */
    private long completedAt;
    private final StringBuilder details = new StringBuilder();
    private Processes.Background siteLog;

    /** A download that returns once the files are complete (or throws why not). */
    interface Download {
        void run() throws Exception;
    }

    private Cell cell(String client, String version, String path, Download run, Expected expected, String tag) {
        long start = System.nanoTime();
        System.out.printf("%s matrix cell %s / %s%n", java.time.Instant.now(), client, path);
        String result;
        try {
            current = Files.createDirectories(dir.resolve("dl-" + tag));
            completedAt = 0;
            run.run();
            String wrong = expected.check(current);
            result = wrong == null ? "ok" : "FAILED: " + wrong;
        } catch (Throwable e) {
            String m = String.valueOf(e.getMessage()).replace('\n', ' ').replace('|', '/');
            details.append("== ").append(client).append(" / ").append(path).append("\n").append(e.getMessage()).append("\n");
            result = "FAILED: " + (m.length() > 160 ? m.substring(0, 160) : m);
        }
        return new Cell(client, version, path, ((completedAt != 0 ? completedAt : System.nanoTime()) - start) / 1e9, result);
    }

    private Path fetchTorrent(Netns ns, String url, Path to, Processes.Background site) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String code = "";
        while (!code.equals("200") && System.nanoTime() < deadline) {
            code = ns.run(List.of("curl", "-s", "-o", to.toString(), "-w", "%{http_code}", url), Duration.ofSeconds(20)).stdout().strip();
            if (!code.equals("200")) {
                Thread.sleep(300);
            }
        }
        assertTrue(code.equals("200"), url + " not ready: " + code + "\n" + site.stderr());
        return to;
    }

    private void lt(Netns ns, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", Processes.python("leech.py"), "--save", current.toString(),
                "--listen", A + ":0", "--timeout", "90"));
        cmd.addAll(List.of(args));
        Processes.Result r = ns.run(cmd, Duration.ofSeconds(120));
        System.out.println("libtorrent: " + r.lastLine() + "\n" + tail(r.stderr()));
        if (!"true".equals(r.json("ok"))) {
            String site = siteLog == null ? "" : siteLog.stderr();
            throw new AssertionError(r.lastLine() + "\nleecher: " + tail(r.stderr()) + "\nsite: " + tail(site));
        }
    }

    static String tail(String s) {
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    private void aria(Netns ns, Path torrent, String... args) throws Exception {
        Processes.Result r = ns.run(Clients.aria2(current, torrent, args), Duration.ofSeconds(120));
        if (r.exitCode() != 0) {
            throw new AssertionError("aria2c exit " + r.exitCode() + ": " + r.stdout() + r.stderr());
        }
    }

    /** Clients that keep seeding: run in the background until every file is complete and correct, then stop them. */
    private void polled(Netns ns, List<String> cmd, Expected expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        try (Processes.Background p = ns.start(cmd)) {
            String wrong = "not started";
            while (System.nanoTime() < deadline) {
                if ((wrong = expected.check(current)) == null) {
                    completedAt = System.nanoTime();
                    return;
                }
                if (!p.isAlive()) {
                    throw new AssertionError(cmd.get(0) + " ended early (" + wrong + "): " + tail(p.stderr()));
                }
                Thread.sleep(300);
            }
            throw new AssertionError("not complete in time (" + wrong + "): " + tail(p.stderr()));
        }
    }

    private void qbittorrent(Netns ns, Path torrent, Expected expected) throws Exception {
        polled(ns, Clients.qbittorrent(current, torrent), expected);
    }

    private void rtorrent(Netns ns, Path torrent, Expected expected) throws Exception {
        polled(ns, Clients.rtorrent(current, torrent), expected);
    }
}
