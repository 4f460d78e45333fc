package io.github.torrenthttpbridge.servlet;

import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load held by a site in a JVM with a small heap (-Xmx160m) and small caps: 200 concurrent page and ?torrent
 * requests for 40 different files (the hash queue holds 4: the rest must get 503 + Retry-After, nothing else),
 * then 20 libtorrent leechers at once on one 32 MiB file through a 48 MiB piece cache. Nothing fails, the site
 * stays up, and the origin serves the file about once, not 20 times.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class LoadIT {
    static final int FILES = 40;
    static final int BIG = 32 * 1024 * 1024;
    static final int LEECHERS = 20;
    @TempDir
    Path dir;

    @Test
    void twoHundredRequestsAndTwentyLeechers() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        for (int i = 0; i < FILES; i++) {
            f.write("many/f" + i + ".bin", 1536 * 1024, 1000 + i);
        }
        f.write("files/load.bin", BIG, 77);
        StringBuilder page = new StringBuilder("<!DOCTYPE html><html><body><ul>");
        for (int i = 0; i < FILES; i++) {
            page.append("<li><a href=\"many/f").append(i).append(".bin\">f").append(i).append("</a></li>");
        }
        Files.writeString(f.root.resolve("many.html"), page.append("</ul></body></html>"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI base = URI.create("http://127.0.0.1:" + port);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx160m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                SiteServerMain.class.getName(), f.root.toString(), Integer.toString(port), "170"));
        SiteFixture.params(f).forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(List.of("torrent-bridge.origin=" + base, "torrent-bridge.hash-queue=4", "torrent-bridge.cache-mib=48",
                "torrent-bridge.max-peers-per-torrent=" + (LEECHERS + 5), "torrent-bridge.webseed=false",
                "torrent-bridge.inject-paths=/many.html"));
        try (Processes.Background site = Processes.start(cmd)) {
            site.await("\"port\": (\\d+)", Duration.ofSeconds(30));

            ExecutorService pool = Executors.newFixedThreadPool(200);
            List<Future<HttpResponse<byte[]>>> results = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                URI u = i % 4 == 0 ? base.resolve("/many.html") : base.resolve("/many/f" + (i % FILES) + ".bin?torrent");
                results.add(pool.submit((Callable<HttpResponse<byte[]>>) () -> SiteFixture.get(u)));
            }
            Map<Integer, Integer> byStatus = new TreeMap<>();
            for (Future<HttpResponse<byte[]>> r : results) {
                HttpResponse<byte[]> resp = r.get();
                byStatus.merge(resp.statusCode(), 1, Integer::sum);
                int st = resp.statusCode();
                assertTrue(st == 200 || st == 202 || st == 503, "status " + st + " for " + resp.uri());
                if (st == 202 || st == 503) {
                    assertTrue(resp.headers().firstValue("Retry-After").isPresent(), st + " without Retry-After");
                }
                if (resp.uri().getPath().endsWith(".html")) {
                    assertEquals(200, st);
                    assertTrue(new String(resp.body(), StandardCharsets.UTF_8).contains("f39.bin"), "the page itself");
                }
            }
            pool.shutdown();
            double burstSeconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(byStatus.getOrDefault(503, 0) > 0, "the hash queue cap was reached: " + byStatus);

            // the queue drains: a client that comes back as told gets its torrent
            HttpResponse<byte[]> tr = SiteFixture.get(base.resolve("/files/load.bin?torrent"));
            for (long end = System.nanoTime() + Duration.ofSeconds(120).toNanos(); tr.statusCode() != 200 && System.nanoTime() < end; ) {
                Thread.sleep(500);
                tr = SiteFixture.get(base.resolve("/files/load.bin?torrent"));
            }
            assertEquals(200, tr.statusCode());
            byte[] torrent = tr.body();
            Path tf = dir.resolve("load.torrent");
            Files.write(tf, torrent);
            String json = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body(), StandardCharsets.UTF_8);
            long torrentPort = SiteFixture.jsonLong(json, "torrentPort");
            List<Processes.Background> leechers = new ArrayList<>();
            List<Path> saves = new ArrayList<>();
            long t1 = System.nanoTime();
            try {
                for (int i = 0; i < LEECHERS; i++) {
                    Path save = Files.createDirectories(dir.resolve("dl" + i));
                    saves.add(save);
                    leechers.add(Processes.start(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent",
                            tf.toString(), "--save", save.toString(), "--peer", "127.0.0.1:" + torrentPort, "--timeout", "120")));
                }
                for (Processes.Background l : leechers) {
                    String ok;
                    try {
                        ok = l.await("\"ok\": (true|false)", Duration.ofSeconds(150));
                    } catch (AssertionError e) {
                        String siteErr = site.stderr();
                        throw new AssertionError(e.getMessage() + "\nsite alive " + site.isAlive() + ", its stderr ends: "
                                + siteErr.substring(Math.max(0, siteErr.length() - 6000)), e);
                    }
                    assertEquals("true", ok, l.stderr());
                }
            } finally {
                for (Processes.Background l : leechers) {
                    l.close();
                }
            }
            double swarmSeconds = (System.nanoTime() - t1) / 1e9;
            String expected = Digests.sha256(f.root.resolve("files/load.bin"));
            for (Path save : saves) {
                assertEquals(expected, Digests.sha256(save.resolve("load.bin")));
            }
            json = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body(), StandardCharsets.UTF_8);
            String entry = json.substring(json.indexOf("\"file\":\"/files/load.bin\""));
            long uploaded = SiteFixture.jsonLong(entry, "uploaded");
            long originBytes = SiteFixture.jsonLong(entry, "originBytes");
            assertEquals(0, SiteFixture.jsonLong(entry, "verificationFailures"));
            assertEquals(0, SiteFixture.jsonLong(json, "peersDropped"), "no well-behaved leecher is taken for an abuser");
            assertTrue(uploaded >= BIG, "uploaded " + uploaded);
            assertTrue(originBytes <= 1.2 * BIG, "the cache shares fetches among leechers: origin " + originBytes
                    + " bytes for " + uploaded + " uploaded");
            assertTrue(entry.contains("\"originRatio\":") && entry.contains("\"memoryHits\":")
                    && entry.contains("\"diskHits\":"), "the status JSON shows the ratio and the hits per tier: " + entry);
            assertTrue(SiteFixture.jsonLong(entry, "memoryHits") > 0, entry);
            // once the leechers are gone, nothing stays claimed, loading or waiting for a permit
            for (long end = System.nanoTime() + Duration.ofSeconds(15).toNanos(); System.nanoTime() < end; Thread.sleep(200)) {
                json = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body(), StandardCharsets.UTF_8);
                if (SiteFixture.jsonLong(json, "pieceClaims") == 0 && SiteFixture.jsonLong(json, "pendingLoads") == 0) {
                    break;
                }
            }
            assertEquals(0, SiteFixture.jsonLong(json, "pieceClaims"), json);
            assertEquals(0, SiteFixture.jsonLong(json, "pendingLoads"), json);
            assertEquals(0, SiteFixture.jsonLong(json, "readPermitsHeld"), json);
            assertEquals(0, SiteFixture.jsonLong(json, "pinnedSpans"), json);
            assertTrue(SiteFixture.jsonLong(json, "diskBytes") <= SiteFixture.jsonLong(json, "diskMaxBytes"), json);
            System.out.printf("load: 200 concurrent requests in %.1f s %s; %d leechers x 32 MiB in %.1f s; uploaded %d MiB,"
                            + " origin %d MiB (%.2f of one copy); site heap capped at 160 MiB, still up%n",
                    burstSeconds, byStatus, LEECHERS, swarmSeconds, uploaded >> 20, originBytes >> 20, (double) originBytes / BIG);
        }
    }
}
