package io.github.torrenthttpbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.FileOrigin;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentFile;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-file torrents made by libtorrent itself (v1, hybrid with pad files), seeded by the bridge from one URL per
 * file of a stock Jetty file server; libtorrent downloads them through the bridge alone (web seeds off), every file
 * byte for byte, and the origin sends each byte about once.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MultiFileSeedIT {
    @TempDir
    static Path dir;
    static Path www;
    static FileOrigin origin;
    static TorrentBridge bridge;
    static final Map<String, Integer> FILES = new LinkedHashMap<>();

    static {
        FILES.put("release/app-1.0.tar.gz", 3 * 1024 * 1024 + 17);
        FILES.put("release/SHA256SUMS", 97);
        FILES.put("release/SHA256SUMS.asc", 0);
        FILES.put("release/docs/manual.pdf", 1024 * 1024);
        FILES.put("release/docs/notes.txt", 40_000);
        FILES.put("release/z-last.bin", 600_001);
    }

    @BeforeAll
    static void start() throws Exception {
        www = Files.createDirectories(dir.resolve("www"));
        Random r = new Random(12);
        for (var e : FILES.entrySet()) {
            Path p = www.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            byte[] b = new byte[e.getValue()];
            r.nextBytes(b);
            Files.write(p, b);
        }
        origin = new FileOrigin(www);
        bridge = TorrentBridge.start(BridgeConfig.builder()
                .bindAddress(InetAddress.getLoopbackAddress()).port(0).dht(false).build());
    }

    @AfterAll
    static void stop() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "hybrid"})
    void libtorrentDownloadsEveryFileThroughTheBridge(String version) throws Exception {
        Path torrentFile = dir.resolve(version + ".torrent");
        Processes.Result made = Processes.run(List.of("/usr/bin/python3", Processes.python("lt_create.py"),
                "--path", www.resolve("release").toString(), "--piece", "262144", "--version", version,
                "--out", torrentFile.toString()), Duration.ofSeconds(60));
        assertEquals(0, made.exitCode(), made.stderr());
        TorrentMetadata t = TorrentMetadata.parse(Files.readAllBytes(torrentFile));
        assertTrue(t.isMultiFile());
        assertEquals(made.json("v1"), t.infoHash().hex());
        assertEquals(version.equals("hybrid"), t.files().stream().anyMatch(TorrentFile::pad), "pad files");

        List<URI> urls = new ArrayList<>();
        for (TorrentFile f : t.files()) {
            if (!f.pad()) {
                urls.add(origin.url("release/" + String.join("/", f.path())));
            }
        }
        SeedHandle h = bridge.seed(urls, t, null);
        assertEquals(FILES.values().stream().filter(n -> n > 0).count(), h.origins().size());

        Path save = Files.createDirectories(dir.resolve("dl-" + version));
        Processes.Result r = LibtorrentInteropIT.leech(torrentFile, save, Duration.ofSeconds(120),
                "--peer", "127.0.0.1:" + bridge.torrentPort());
        assertEquals("true", r.json("ok"), r.lastLine() + "\n" + r.stderr());
        assertEquals("0", r.json("hash_failures"));
        for (String f : FILES.keySet()) {
            assertEquals(Digests.sha256(www.resolve(f)), Digests.sha256(save.resolve(f)), f);
        }
        long content = t.contentLength();
        var s = h.stats();
        assertTrue(s.uploaded() >= content, "uploaded " + s.uploaded());
        assertTrue(s.originBytes() >= content && s.originBytes() <= content * 1.1, "origin bytes " + s.originBytes()
                + " for " + content + " bytes of files (pads are never fetched)");
        assertEquals(0, s.verificationFailures());
        bridge.remove(t.infoHash());
    }

    /**
     * opentracker refuses every torrent for a moment after it binds (it reads its whitelist after dropping root),
     * and aria2 gives up on a refusal: announce the bridge's own address until the tracker takes it.
     */
    static void awaitWhitelist(String announce, TorrentMetadata t) throws Exception {
        try (var client = new io.github.torrenthttpbridge.tracker.TrackerClient(
                io.github.torrenthttpbridge.tracker.TrackerClientConfig.defaults())) {
            var request = new io.github.torrenthttpbridge.tracker.AnnounceRequest(t.infoHash(),
                    "-TB0100-000000000009".getBytes(java.nio.charset.StandardCharsets.US_ASCII), bridge.torrentPort(),
                    0, 0, 0, io.github.torrenthttpbridge.tracker.AnnounceRequest.Event.STARTED, 0, 1);
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15); ; Thread.sleep(250)) {
                try {
                    client.announce(announce, request).get(10, TimeUnit.SECONDS);
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (System.nanoTime() > end) {
                        throw e;
                    }
                }
            }
        }
    }

    /**
     * aria2 1.36 (Debian 12) knows neither v2 nor pad files, and cannot join a hybrid swarm at all: it drops the file
     * tree's empty keys when it re-encodes {@code info}, so it computes another info hash — by {@code .torrent} and
     * by magnet alike (measured: opentracker refuses the hash it announces; fixed upstream in aria2 1.37). It
     * downloads a v1 folder torrent through the bridge, via Debian's opentracker; what it makes of the hybrid of
     * the same folder is printed.
     */
    @org.junit.jupiter.api.Test
    void aria2DownloadsAV1FolderViaOpentracker() throws Exception {
        Path torrentFile = dir.resolve("aria-v1.torrent");
        Processes.Result made = Processes.run(List.of("/usr/bin/python3", Processes.python("lt_create.py"),
                "--path", www.resolve("release").toString(), "--piece", "65536", "--version", "v1",
                "--out", torrentFile.toString()), Duration.ofSeconds(60));
        assertEquals(0, made.exitCode(), made.stderr());
        Path hybridFile = dir.resolve("aria-hybrid-for-show.torrent");
        Processes.run(List.of("/usr/bin/python3", Processes.python("lt_create.py"), "--path", www.resolve("release").toString(),
                "--piece", "65536", "--version", "hybrid", "--out", hybridFile.toString()), Duration.ofSeconds(60));
        Path trackerDir = Files.createDirectories(dir.resolve("opentracker"));
        Files.setPosixFilePermissions(trackerDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        TorrentMetadata lt = TorrentMetadata.parse(Files.readAllBytes(torrentFile));
        Files.writeString(trackerDir.resolve("whitelist"), lt.infoHash().hex() + "\n");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        String announce = "http://127.0.0.1:" + port + "/announce";
        TorrentMetadata t = io.github.torrenthttpbridge.torrent.TorrentCreator.fromInfo(lt.infoBytes(),
                io.github.torrenthttpbridge.torrent.TorrentCreator.Options.defaults().withTrackers(List.of(announce)));
        assertEquals(lt.infoHash(), t.infoHash());
        Files.write(torrentFile, t.encoded());
        try (Processes.Background tracker = Processes.start(List.of("opentracker", "-i", "127.0.0.1", "-p",
                String.valueOf(port), "-P", String.valueOf(port), "-d", trackerDir.toString(), "-u", "nobody",
                "-w", "whitelist"))) {
            io.github.torrenthttpbridge.tracker.OpentrackerIT.awaitListening(port);
            awaitWhitelist(announce, t);
            List<URI> urls = new ArrayList<>();
            for (TorrentFile f : t.files()) {
                if (!f.pad()) {
                    urls.add(origin.url("release/" + String.join("/", f.path())));
                }
            }
            SeedHandle h = bridge.seed(urls, t, null);
            Path save = Files.createDirectories(dir.resolve("dl-aria"));
            Processes.Result r = Processes.run(List.of("aria2c", "--dir=" + save, "--seed-time=0", "--bt-enable-lpd=false",
                    "--enable-dht=false", "--enable-peer-exchange=false", "--listen-port=6881-6889",
                    "--console-log-level=warn", "--summary-interval=0", "--bt-stop-timeout=90", torrentFile.toString()),
                    Duration.ofSeconds(150));
            assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
            for (String f : FILES.keySet()) {
                assertEquals(Digests.sha256(www.resolve(f)), Digests.sha256(save.resolve(f)), f);
            }
            Processes.Result shown = Processes.run(List.of("aria2c", "-S", hybridFile.toString()), Duration.ofSeconds(20));
            System.out.println("aria2c -S on the hybrid of this folder: " + shown.stdout().lines()
                    .filter(l -> l.startsWith("Info Hash")).findFirst().orElse("?") + "; libtorrent and we: "
                    + TorrentMetadata.parse(Files.readAllBytes(hybridFile)).infoHash());
            assertTrue(h.stats().uploaded() >= t.contentLength(), "all from the bridge: " + h.stats());
            bridge.remove(t.infoHash());
        }
    }
}
