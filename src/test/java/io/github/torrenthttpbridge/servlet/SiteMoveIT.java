package io.github.torrenthttpbridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site that moves (another port, another host name, a public URL that differs from the origin) keeps its
 * torrents (same info hash, nothing hashed again) and serves the URLs of where it is now; metadata written by
 * release 0.1 (whole torrents with the old URLs inside) still loads. Magnet links are on the page from the first
 * view after the restart, and browsers following {@code F?magnet} are sent to the magnet URI.
 */
@Timeout(240)
class SiteMoveIT {
    @TempDir
    Path dir;
    Server server;

    URI start(SiteFixture f, int port, Map<String, String> extra) throws Exception {
        server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(port);
        server.addConnector(c);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ctx.setBaseResource(ResourceFactory.of(server).newResource(f.root));
        SiteFixture.params(f).forEach(ctx::setInitParameter);
        extra.forEach(ctx::setInitParameter);
        ctx.addEventListener(new TorrentBridgeListener());
        ctx.addFilter(TorrentFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addServlet(new ServletHolder("default", DefaultServlet.class), "/");
        server.setHandler(ctx);
        server.start();
        return URI.create("http://127.0.0.1:" + c.getLocalPort());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aMovedSiteServesItsCurrentUrlsWithoutHashingAgain() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        URI first = start(f, 0, Map.of());
        SiteFixture.get(first.resolve("/index.html"));  // the page starts hashing what it links to
        assertEquals(200, SiteFixture.torrentWhenReady(first.resolve("/files/other.bin?torrent")).statusCode());
        TorrentMetadata before = TorrentMetadata.parse(SiteFixture.torrentWhenReady(first.resolve("/files/big.bin?torrent")).body());
        assertEquals(List.of(List.of(first + "/torrent-bridge/announce")), before.trackerTiers());
        assertEquals(List.of(first + "/files/big.bin"), before.webSeeds());
        server.stop();

        // what release 0.1 left behind: the whole torrent, with the first run's URLs inside, instead of its info
        int converted = 0;
        try (DirectoryStream<Path> infos = Files.newDirectoryStream(f.metadata, "*.info")) {
            for (Path info : infos) {
                String key = info.getFileName().toString().replace(".info", "");
                if (!Files.readString(f.metadata.resolve(key + ".properties")).contains("path=/files/big.bin")) {
                    continue;
                }
                Files.write(f.metadata.resolve(key + ".torrent"), before.encoded());
                Files.delete(info);
                converted++;
            }
        }
        assertEquals(1, converted);

        // the same site, now on another port and known to the public by another host name
        int port = freePort();
        String now = "http://localhost:" + port;
        URI second = start(f, port, Map.of("torrent-bridge.public-url", now));
        String page = new String(SiteFixture.get(second.resolve("/index.html")).body(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("href=\"(magnet:[^\"]+)\"").matcher(page);
        assertTrue(m.find(), "the first page view after the restart already has the magnet link: " + page);
        String magnet = m.group(1).replace("&amp;", "&");
        assertTrue(magnet.contains("xt=urn:btih:" + before.infoHash().hex()), magnet);
        String decoded = URLDecoder.decode(magnet, StandardCharsets.UTF_8);
        assertTrue(decoded.contains("tr=" + now + "/torrent-bridge/announce") && decoded.contains("ws=" + now + "/files/big.bin"), decoded);
        assertFalse(decoded.contains(":" + first.getPort() + "/"), "nothing of the old address: " + decoded);

        HttpResponse<byte[]> t = SiteFixture.get(second.resolve("/files/big.bin?torrent"));
        assertEquals(200, t.statusCode(), "known at once: " + new String(t.body()));
        TorrentMetadata after = TorrentMetadata.parse(t.body());
        assertEquals(before.infoHash(), after.infoHash());
        assertEquals(List.of(List.of(now + "/torrent-bridge/announce")), after.trackerTiers());
        assertEquals(List.of(now + "/files/big.bin"), after.webSeeds(), "the web seed is the public URL, not the origin");
        String status = new String(SiteFixture.get(second.resolve("/torrent-bridge/?format=json")).body());
        assertEquals(0, SiteFixture.jsonLong(status, "hashJobsStarted"), status);
        assertTrue(status.contains("\"origin\":\"http://127.0.0.1:" + port + "\""), status);

        // libtorrent finds the bridge through the current tracker URL alone (no direct peer, no web seed)
        Path tf = dir.resolve("moved.torrent");
        Files.write(tf, t.body());
        Path save = Files.createDirectories(dir.resolve("dl"));
        Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent", tf.toString(),
                "--save", save.toString(), "--tracker-on-loopback", "--timeout", "90"), Duration.ofSeconds(120));
        assertEquals("true", r.json("ok"), r.lastLine() + r.stderr());
        assertEquals(Digests.sha256(f.root.resolve("files/big.bin")), Digests.sha256(save.resolve("big.bin")));
    }

    @Test
    void browsersFollowingAMagnetUrlGetAProgressPageThenTheMagnetUri() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        Map<String, String> extra = new HashMap<>();
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        // another name for the same site: files are probed there (the bridge must reach its public URL)
        String publicUrl = "http://localhost:" + port;
        extra.put("torrent-bridge.public-url", publicUrl);
        URI base = start(f, port, extra);
        String browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        HttpResponse<byte[]> hashing = SiteFixture.get(base.resolve("/files/big.bin?magnet"), "Accept", browser);
        assertEquals(202, hashing.statusCode());
        String html = new String(hashing.body(), StandardCharsets.UTF_8);
        assertTrue(hashing.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(html.contains("http-equiv=\"refresh\"") && html.contains("<progress"), html);

        SiteFixture.torrentWhenReady(base.resolve("/files/big.bin?torrent"));
        HttpResponse<byte[]> ready = SiteFixture.get(base.resolve("/files/big.bin?magnet"), "Accept", browser);
        assertEquals(303, ready.statusCode());
        String location = ready.headers().firstValue("Location").orElse("");
        assertTrue(location.startsWith("magnet:?xt=urn:btih:"), location);
        assertTrue(location.contains("ws=" + java.net.URLEncoder.encode(publicUrl + "/files/big.bin", StandardCharsets.UTF_8)),
                "the web seed is the public URL: " + location);

        for (String script : new String[] {"*/*", "text/plain"}) {
            HttpResponse<byte[]> text = SiteFixture.get(base.resolve("/files/big.bin?magnet"), "Accept", script);
            assertEquals(200, text.statusCode());
            assertEquals(location, new String(text.body(), StandardCharsets.UTF_8), script);
        }
        HttpResponse<byte[]> noAccept = SiteFixture.get(base.resolve("/files/big.bin?magnet"));
        assertEquals(location, new String(noAccept.body(), StandardCharsets.UTF_8));
    }
}
