package io.github.torrenthttpbridge.servlet;

import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The site's JVM is killed with SIGKILL while one file is being hashed and another is being seeded; on restart
 * nothing in the metadata directory is corrupt, the finished torrent is re-registered without hashing, the
 * unfinished job starts again by itself, and libtorrent downloads through the restarted bridge.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CrashRestartIT {
    static final long HUGE = 6L * 1024 * 1024 * 1024;   // sparse: no disk used, hashing takes seconds
    @TempDir
    Path dir;

    @Test
    void killedMidHashAndMidSeedLosesNothing() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        try (RandomAccessFile raf = new RandomAccessFile(f.root.resolve("files/huge.bin").toFile(), "rw")) {
            raf.setLength(HUGE);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI base = URI.create("http://127.0.0.1:" + port);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SiteServerMain.class.getName(),
                f.root.toString(), Integer.toString(port), "120"));
        SiteFixture.params(f).forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.add("torrent-bridge.origin=" + base);
        cmd.add("torrent-bridge.piece-size=4194304");

        byte[] before;
        Processes.Background first = Processes.start(cmd);
        try {
            first.await("\"port\": (\\d+)", Duration.ofSeconds(30));
            before = SiteFixture.torrentWhenReady(base.resolve("/files/other.bin?torrent")).body();
            assertEquals("other.bin", TorrentMetadata.parse(before).name());
            assertEquals(202, SiteFixture.get(base.resolve("/files/huge.bin?torrent")).statusCode());
            double pct = awaitPercent(base, 5, Duration.ofSeconds(60));
            first.kill();
            System.out.printf("killed -9 at %.1f%% of hashing huge.bin, other.bin seeding%n", pct);
        } finally {
            first.close();
        }
        int checked = 0;
        try (Stream<Path> files = Files.list(f.metadata)) {
            for (Path p : files.toList()) {
                if (p.toString().endsWith(".info")) {
                    // throws if corrupt
                    io.github.torrenthttpbridge.torrent.TorrentCreator.fromInfo(Files.readAllBytes(p),
                            io.github.torrenthttpbridge.torrent.TorrentCreator.Options.defaults());
                    checked++;
                }
            }
        }
        assertTrue(checked >= 1, "other.bin's info is stored");

        try (Processes.Background second = Processes.start(cmd)) {
            second.await("\"port\": (\\d+)", Duration.ofSeconds(30));
            // nobody asks for huge.bin: its unfinished job restarts by itself, other.bin comes back without hashing
            String json = awaitState(base, "/files/huge.bin", "seeding", Duration.ofSeconds(120));
            assertEquals(1, SiteFixture.jsonLong(json, "hashJobsStarted"), "only the unfinished file is hashed again: " + json);
            try (Stream<Path> files = Files.list(f.metadata)) {
                List<String> names = files.map(p -> p.getFileName().toString()).toList();
                assertTrue(names.stream().noneMatch(n -> n.endsWith(".part") || n.endsWith(".pending")), names.toString());
            }
            HttpResponse<byte[]> after = SiteFixture.get(base.resolve("/files/other.bin?torrent"));
            assertEquals(200, after.statusCode());
            assertArrayEquals(before, after.body(), "the same torrent is served after the crash");
            TorrentMetadata huge = TorrentMetadata.parse(SiteFixture.get(base.resolve("/files/huge.bin?torrent")).body());
            assertEquals(HUGE, huge.length());
            byte[] zeros = new byte[huge.pieceLength()];
            assertTrue(huge.pieceHashMatches(0, MessageDigest.getInstance("SHA-1").digest(zeros)));

            Path torrent = dir.resolve("other.torrent");
            Files.write(torrent, before);
            Path save = Files.createDirectories(dir.resolve("dl"));
            long torrentPort = SiteFixture.jsonLong(json, "torrentPort");
            Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent",
                    torrent.toString(), "--save", save.toString(), "--peer", "127.0.0.1:" + torrentPort, "--timeout", "60"),
                    Duration.ofSeconds(90));
            assertEquals("true", r.json("ok"), r.lastLine() + "\n" + r.stderr());
            assertEquals(Digests.sha256(f.root.resolve("files/other.bin")), Digests.sha256(save.resolve("other.bin")));
        }
    }

    static String status(URI base) throws Exception {
        return new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body(), StandardCharsets.UTF_8);
    }

    /** Waits until huge.bin's hashing passes {@code min} percent; returns the percentage seen. */
    static double awaitPercent(URI base, double min, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Pattern p = Pattern.compile("\"file\":\"/files/huge.bin\",\"state\":\"hashing\",\"percent\":([0-9.]+)");
        while (System.nanoTime() < deadline) {
            Matcher m = p.matcher(status(base));
            if (m.find() && Double.parseDouble(m.group(1)) >= min) {
                double pct = Double.parseDouble(m.group(1));
                assertTrue(pct < 95, "hashing went too fast to kill it midway: " + pct + "%");
                return pct;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("huge.bin never got past " + min + "%: " + status(base));
    }

    static String awaitState(URI base, String file, String state, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String json = "";
        while (System.nanoTime() < deadline) {
            json = status(base);
            if (json.contains("\"file\":\"" + file + "\",\"state\":\"" + state + "\"")) {
                return json;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(file + " never became " + state + ": " + json);
    }
}
