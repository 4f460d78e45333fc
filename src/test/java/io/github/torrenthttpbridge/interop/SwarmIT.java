package io.github.torrenthttpbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Netns;
import io.github.torrenthttpbridge.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One swarm, economical seeding ({@code torrent-bridge.seeding=economical}): the demo site's 32 MiB file (web seeds off, the bridge's upload capped
 * at 4 MiB/s) and, all at once, six libtorrent leechers with 1 MiB/s uplinks that leave as soon as they are done, plus
 * one of each other interop client (aria2, Transmission, WebTorrent, qBittorrent, rtorrent), all finding each other by
 * the built-in tracker inside a network namespace. Every download must be byte-identical to the site's file, and the
 * bridge must upload far fewer copies than there are downloads (HTTP would upload one per download).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class SwarmIT {
    static final String A = Netns.ADDR;
    static final String FILE = "demo-32m.iso";
    static final int LIBTORRENT_LEECHERS = 6;
    @TempDir
    Path dir;

    @Test
    void everyClientFinishesInOneSwarmAndTheBridgeUploadsFewCopies() throws Exception {
        try (Netns ns = new Netns("swarm")) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path data = dir.resolve("data");
            var site = ns.start(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    "io.github.torrenthttpbridge.cli.Main", "serve", "webapp", "--host", A, "--port", "8080",
                    "--data", data.toString(), "--torrent-port", "0", "--no-dht",
                    "--param", "torrent-bridge.bind=" + A,
                    "--param", "torrent-bridge.origin=http://" + A + ":8080",
                    "--param", "torrent-bridge.webseed=false",
                    "--param", "torrent-bridge.max-upload-kib=4096",
                    "--param", "torrent-bridge.seeding=economical",
                    "--param", "torrent-bridge.max-peers-per-ip=64",
                    "--param", "torrent-bridge.max-handshakes-per-ip=64",
                    "--param", "torrent-bridge.metadata-dir=" + dir.resolve("metadata")));
            site.await("torrent port: (\\d+)", Duration.ofSeconds(60));
            Path torrent = dir.resolve(FILE + ".torrent");
            String code = "";
            for (long end = System.nanoTime() + Duration.ofSeconds(60).toNanos(); !code.equals("200") && System.nanoTime() < end; ) {
                code = ns.run(List.of("curl", "-s", "-o", torrent.toString(), "-w", "%{http_code}",
                        "http://" + A + ":8080/files/" + FILE + "?torrent"), Duration.ofSeconds(20)).stdout().strip();
                if (!code.equals("200")) {
                    Thread.sleep(300);
                }
            }
            assertEquals("200", code, "the torrent: " + site.stderr());
            String expected = Digests.sha256(data.resolve("files").resolve(FILE));

            Map<String, Path> dirs = new LinkedHashMap<>();
            Map<String, Processes.Background> running = new LinkedHashMap<>();
            for (int i = 0; i < LIBTORRENT_LEECHERS; i++) {
                Path d = Files.createDirectories(dir.resolve("lt" + i));
                dirs.put("libtorrent " + i, d);
                running.put("libtorrent " + i, ns.start(List.of("/usr/bin/python3", Processes.python("leech.py"),
                        "--torrent", torrent.toString(), "--save", d.toString(), "--listen", A + ":0", "--upload-kib", "1024",
                        "--timeout", "300")));
            }
            Map<String, List<String>> others = new LinkedHashMap<>();
            others.put("aria2", Clients.aria2(Files.createDirectories(dir.resolve("aria2")), torrent, "--enable-dht=false"));
            others.put("transmission", Clients.transmission(Files.createDirectories(dir.resolve("transmission")),
                    dir.resolve("tr-config"), torrent));
            others.put("webtorrent", Clients.webtorrent(Files.createDirectories(dir.resolve("webtorrent")), torrent));
            others.put("qbittorrent", Clients.qbittorrent(Files.createDirectories(dir.resolve("qbittorrent")), torrent));
            others.put("rtorrent", Clients.rtorrent(Files.createDirectories(dir.resolve("rtorrent")), torrent));
            for (var e : others.entrySet()) {
                dirs.put(e.getKey(), dir.resolve(e.getKey()));
                running.put(e.getKey(), ns.start(e.getValue()));
            }

            long start = System.nanoTime();
            Map<String, Double> doneAt = new LinkedHashMap<>();
            long deadline = start + Duration.ofSeconds(300).toNanos();
            while (doneAt.size() < dirs.size() && System.nanoTime() < deadline) {
                for (var e : dirs.entrySet()) {
                    Path f = e.getValue().resolve(FILE);
                    if (!doneAt.containsKey(e.getKey()) && Files.isRegularFile(f) && Files.size(f) == 32L << 20
                            && Digests.sha256(f).equals(expected)) {
                        doneAt.put(e.getKey(), (System.nanoTime() - start) / 1e9);
                        if (!e.getKey().startsWith("libtorrent") && !e.getKey().equals("aria2")) {
                            running.get(e.getKey()).close();   // clients that keep seeding leave once done, as most do
                        }
                    }
                }
                Thread.sleep(500);
            }
            String status = ns.run(List.of("curl", "-s", "http://" + A + ":8080/torrent-bridge/?format=json&q=" + FILE),
                    Duration.ofSeconds(20)).stdout();
            for (Processes.Background p : running.values()) {
                p.close();
            }
            StringBuilder report = new StringBuilder("swarm (economical seeding): ");
            doneAt.forEach((k, v) -> report.append(String.format(Locale.ROOT, "%s %.1f s; ", k, v)));
            double copies = number(status, "copies");
            long completed = (long) number(status, "completed");
            report.append(String.format(Locale.ROOT, "bridge uploaded %.2f copies for %d downloads; %d peers completed while"
                    + " connected", copies, dirs.size(), completed));
            System.out.println(report);
            List<String> missing = new ArrayList<>(dirs.keySet());
            missing.removeAll(doneAt.keySet());
            assertEquals(List.of(), missing, "every client has the file, byte for byte: " + report + "\n"
                    + InteropMatrixIT.tail(site.stderr()));
            // HTTP would send 11 copies; measured 2.6-3.3 in CI runs. A client that cannot reach the others (rtorrent
            // keeps one peer per address) is served whole by the bridge, so the bound is generous: half the downloads
            assertTrue(copies <= dirs.size() / 2.0, report.toString());
            assertTrue(completed >= LIBTORRENT_LEECHERS, "the libtorrent leechers' completions are counted: " + report);
        }
    }

    private static double number(String json, String field) {
        Matcher m = Pattern.compile("\"torrents\":\\[.*?\"" + field + "\":([0-9.]+)", Pattern.DOTALL).matcher(json);
        assertTrue(m.find(), field + " in " + json);
        return Double.parseDouble(m.group(1));
    }
}
