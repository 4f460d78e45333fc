package io.github.torrenthttpbridge.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/spring-boot as a user runs it: its own jar (built by the invoker against this library, with Spring
 * Boot's dependency management), on a random port; once on Spring Boot 4.1 (Servlet 6.1, Tomcat 11) and once on
 * Spring Boot 3.5 (Servlet 6.0, Tomcat 10.1, Jetty 12.0's client), both with the same library artifact. {@code ?torrent} gives the torrent, libtorrent downloads the
 * file through the bridge, the bytes are identical, and {@code /actuator/prometheus} shows the bridge's counters
 * moved by exactly what was downloaded.
 */
class SpringBootExampleIT {
    static final Path JAR = Path.of("target", "examples", "spring-boot", "target", "spring-boot-download-site.jar");
    static final Path BOOT3_JAR = Path.of("target", "examples", "spring-boot", "boot-3.5", "target",
            "spring-boot-3-download-site.jar");
    static final int SIZE = 24 * 1024 * 1024 + 12_345;
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aBoot41ApplicationSeedsItsFilesWithOneDependencyAndReportsMetrics() throws Exception {
        seedsAndReports(JAR, "11");
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aBoot35ApplicationDoesTheSameWithTheSameArtifact() throws Exception {
        seedsAndReports(BOOT3_JAR, "10");
    }

    void seedsAndReports(Path jar, String tomcatMajor) throws Exception {
        assertTrue(Files.isRegularFile(jar), jar + " is missing: `mvn verify` builds it (maven-invoker-plugin)");
        Path site = Files.createDirectories(dir.resolve("site"));
        byte[] data = new byte[SIZE];
        new Random(11).nextBytes(data);
        Files.write(site.resolve("big.bin"), data);
        Files.writeString(site.resolve("index.html"), "<html><body><a href=\"big.bin\">big</a></body></html>");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toAbsolutePath().toString(), "--server.port=0", "--server.address=127.0.0.1",
                "--spring.web.resources.static-locations=file:" + site + "/",
                "--torrent-bridge.port=0", "--torrent-bridge.bind=127.0.0.1", "--torrent-bridge.dht=false",
                "--torrent-bridge.metadata-dir=" + dir.resolve("meta"));
        try (Processes.Background app = Processes.start(command)) {
            assertEquals(tomcatMajor, app.await("Starting Servlet engine: \\[Apache Tomcat/(\\d+)\\.", Duration.ofSeconds(90)));
            String port = app.await("Tomcat started on port (\\d+)", Duration.ofSeconds(90));
            URI base = URI.create("http://127.0.0.1:" + port);

            Map<String, Double> before = scrape(base);
            assertEquals(0.0, before.get("torrent_bridge_torrents{state=\"seeding\"}"), before.toString());

            HttpResponse<byte[]> file = get(base.resolve("/big.bin"));
            assertEquals(200, file.statusCode());
            assertTrue(file.headers().firstValue("Link").orElse("").contains("big.bin?torrent"), file.headers().toString());
            String page = new String(get(base.resolve("/index.html")).body());
            assertTrue(page.contains("big.bin?torrent"), "links injected into the page: " + page);

            HttpResponse<byte[]> t = torrentWhenReady(base.resolve("/big.bin?torrent"));
            assertEquals(200, t.statusCode(), new String(t.body()));
            TorrentMetadata torrent = TorrentMetadata.parse(t.body());
            assertEquals(SIZE, torrent.length());
            Path tf = dir.resolve("big.torrent");
            Files.write(tf, t.body());
            String status = new String(get(base.resolve("/torrent-bridge/?format=json")).body());
            Matcher pm = Pattern.compile("\"torrentPort\":(\\d+)").matcher(status);
            assertTrue(pm.find(), status);

            // the figures are summed at most once a second: wait for a snapshot taken after the hashing
            Map<String, Double> mid = scrapeWhen(base, m -> m.get("torrent_bridge_hashed_bytes_total")
                    - before.get("torrent_bridge_hashed_bytes_total") >= SIZE);
            Path save = Files.createDirectories(dir.resolve("save"));
            Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent",
                    tf.toString(), "--save", save.toString(), "--peer", "127.0.0.1:" + pm.group(1), "--timeout", "90"),
                    Duration.ofSeconds(120));
            assertEquals("true", r.json("ok"), r.lastLine() + r.stderr());
            assertEquals("0", r.json("hash_failures"));
            assertEquals(Digests.sha256(site.resolve("big.bin")), Digests.sha256(save.resolve("big.bin")));

            Map<String, Double> after = scrapeWhen(base, m -> m.get("torrent_bridge_uploaded_bytes_total")
                    - mid.get("torrent_bridge_uploaded_bytes_total") >= SIZE);
            double uploaded = delta(after, before, "torrent_bridge_uploaded_bytes_total");
            // every byte once; a block requested twice in libtorrent's end game may go out twice
            assertTrue(uploaded >= SIZE && uploaded <= SIZE + 64L * 16384, "uploaded " + uploaded);
            // one leecher, everything fits the cache: each piece fetched and verified exactly once
            assertEquals(SIZE, delta(after, mid, "torrent_bridge_origin_received_bytes_total"), after.toString());
            assertEquals(torrent.pieceCount(), delta(after, mid, "torrent_bridge_pieces_verified_total"));
            double requests = delta(after, mid, "torrent_bridge_origin_requests_total");
            assertTrue(requests >= 1 && requests <= Math.ceil(SIZE / (1024.0 * 1024)) + 2, "origin requests " + requests);
            assertEquals(0.0, delta(after, before, "torrent_bridge_verification_failures_total"));
            assertEquals(0.0, delta(after, before, "torrent_bridge_origin_failures_total"));
            // hashing made the torrent: the whole file once
            assertEquals(SIZE, delta(mid, before, "torrent_bridge_hashed_bytes_total"));
            assertEquals(1.0, after.get("torrent_bridge_torrents{state=\"seeding\"}"));
            assertEquals(0.0, after.get("torrent_bridge_torrents{state=\"hashing\"}"));
            assertEquals(0.0, after.get("torrent_bridge_hash_queue"));
            for (String reason : List.of("protocol_error", "bad_request", "flood", "not_reading")) {
                assertEquals(0.0, after.get("torrent_bridge_peers_dropped_total{reason=\"" + reason + "\"}"), reason);
            }
            assertTrue(after.keySet().stream().noneMatch(k -> k.startsWith("torrent_bridge") && k.contains(torrent.infoHash().hex())));
        }
    }

    static double delta(Map<String, Double> later, Map<String, Double> earlier, String name) {
        Double a = later.get(name);
        Double b = earlier.get(name);
        if (a == null || b == null) {
            throw new AssertionError("no " + name + " in " + later.keySet());
        }
        return a - b;
    }

    static Map<String, Double> scrapeWhen(URI base, java.util.function.Predicate<Map<String, Double>> ready) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Map<String, Double> m = scrape(base);
        while (!ready.test(m) && System.nanoTime() < deadline) {
            Thread.sleep(200);   // the snapshot is reused for 1 s
            m = scrape(base);
        }
        return m;
    }

    /** The scrape's torrent_bridge_* samples by name and labels. */
    static Map<String, Double> scrape(URI base) throws Exception {
        HttpResponse<byte[]> r = get(base.resolve("/actuator/prometheus"));
        assertEquals(200, r.statusCode());
        Map<String, Double> out = new HashMap<>();
        for (String line : new String(r.body()).split("\n")) {
            if (line.startsWith("torrent_bridge_")) {
                int space = line.lastIndexOf(' ');
                out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        assertTrue(out.containsKey("torrent_bridge_uploaded_bytes_total"), new String(r.body()));
        return out;
    }

    static HttpResponse<byte[]> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> torrentWhenReady(URI uri) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<byte[]> r = get(uri);
            if (r.statusCode() != 202 || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(200);
        }
    }
}
