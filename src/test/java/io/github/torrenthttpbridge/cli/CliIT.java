package io.github.torrenthttpbridge.cli;

import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.testing.TestOrigin;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as users run it: a separate JVM, real origin, exit codes and what lands on stdout/stderr. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CliIT {
    static TestOrigin origin;
    static byte[] data = new byte[3_000_000];
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        new Random(3).nextBytes(data);
        origin = new TestOrigin("movie.webm", data);
    }

    @AfterAll
    static void stop() throws Exception {
        origin.close();
    }

    static List<String> cli(String... args) {
        return Processes.cli(args);
    }

    static Processes.Result run(String... args) throws Exception {
        return Processes.run(cli(args), Duration.ofSeconds(60));
    }

    static void assertOneLineError(Processes.Result r, String expected) {
        assertEquals(1, r.exitCode(), r.stderr());
        List<String> lines = r.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line on stderr, got:\n" + r.stderr());
        assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains(expected), lines.get(0));
    }

    @Test
    void createWritesTheTorrentAndPrintsInfohashAndMagnet() throws Exception {
        Path out = dir.resolve("m.torrent");
        Processes.Result r = run("create", origin.url().toString(), "-o", out.toString(), "--tracker", "http://t.example/announce");
        assertEquals(0, r.exitCode(), r.stderr());
        TorrentMetadata t = TorrentMetadata.parse(Files.readAllBytes(out));
        assertEquals("movie.webm", t.name());
        assertEquals(data.length, t.length());
        assertEquals(List.of(origin.url().toString()), t.webSeeds());
        assertTrue(r.stdout().contains("infohash: " + t.infoHash().hex()), r.stdout());
        assertTrue(r.stdout().contains("magnet:   " + t.magnetLink()), r.stdout());
        assertTrue(r.stderr().contains("100.0%"), "progress shown: " + r.stderr());
    }

    @Test
    void seedRefusesAnOriginWithoutRangesInOneLine() throws Exception {
        Path out = dir.resolve("n.torrent");
        assertEquals(0, run("create", origin.url().toString(), "-o", out.toString()).exitCode());
        origin.mode(TestOrigin.Mode.IGNORE_RANGES);
        try {
            assertOneLineError(run("seed", origin.url().toString(), "--torrent", out.toString(), "--no-dht", "--port", "0"),
                    "does not serve byte ranges");
        } finally {
            origin.mode(TestOrigin.Mode.NORMAL);
        }
    }

    @Test
    void userMistakesGetOneLine() throws Exception {
        assertOneLineError(run("seed", origin.url().toString(), "--torrent", dir.resolve("missing.torrent").toString()),
                "no such file");
        Path corrupt = dir.resolve("corrupt.torrent");
        Files.writeString(corrupt, "d8:announce3:abc4:info");
        assertOneLineError(run("seed", origin.url().toString(), "--torrent", corrupt.toString()), "not valid bencoding");
        Path wrongInfo = dir.resolve("wrong.torrent");
        Files.writeString(wrongInfo, "d4:infoi5ee");
        assertOneLineError(run("seed", origin.url().toString(), "--torrent", wrongInfo.toString()), "no 'info' dictionary");
        assertOneLineError(run("create", "ftp://example.org/x"), "http:// or https://");
        assertOneLineError(run("create", origin.url().toString(), "--piece-size", "1000"), "power of two");
        Processes.Result usage = run("seed");
        assertEquals(2, usage.exitCode());
        // proxy takes the filter's parameters, with the filter's checks
        assertOneLineError(run("proxy", "--upstream", origin.url().toString(), "--port", "0", "--param", "torrent-bridge.port=70000"),
                "bad value '70000' for torrent-bridge.port: expected an integer from 0 to 65535");
        assertOneLineError(run("proxy", "--upstream", "ftp://example.org/"), "http:// or https://");
        assertEquals(2, run("proxy").exitCode(), "--upstream is required");
    }

    @Test
    void seedPrintsItsIdentityAndStopsCleanlyOnSigterm() throws Exception {
        Path out = dir.resolve("s.torrent");
        assertEquals(0, run("create", origin.url().toString(), "-o", out.toString()).exitCode());
        Path log = dir.resolve("seed.log");
        Process p = new ProcessBuilder(cli("seed", origin.url().toString(), "--torrent", out.toString(), "--no-dht",
                "--bind", "127.0.0.1", "--port", "0")).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String s = "";
            while (System.nanoTime() < deadline && !s.contains("seeding;")) {
                Thread.sleep(100);
                s = Files.readString(log);
            }
            assertTrue(s.matches("(?s).*torrent port: \\d+.*"), s);
            assertTrue(s.matches("(?s).*peer id: +[0-9a-f]{40}.*"), s);
            assertTrue(s.contains("infohash:     " + TorrentMetadata.parse(Files.readAllBytes(out)).infoHash().hex()), s);
            assertTrue(s.contains("magnet:       magnet:?xt=urn:btih:"), s);
            p.destroy();  // SIGTERM
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stops within 20 s of SIGTERM");
            String all = Files.readString(log);
            assertTrue(all.contains("shutting down"), all);
            assertFalse(all.contains("Exception in thread"), all);
        } finally {
            p.destroyForcibly();
        }
    }
}
