package io.github.torrenthttpbridge.servlet;

import io.github.torrenthttpbridge.site.Json;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter deployed in embedded Jetty 12 (ee10) beside a stock DefaultServlet, driven over real HTTP. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class JettyFilterIT {
    @TempDir
    Path dir;
    Server server;

    java.util.Map<String, String> extraParams = new java.util.HashMap<>();

    URI start(SiteFixture f, boolean protect) throws Exception {
        server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.SESSIONS | ServletContextHandler.SECURITY);
        ctx.setContextPath("/");
        ctx.setBaseResource(ResourceFactory.of(server).newResource(f.root));
        SiteFixture.params(f).forEach(ctx::setInitParameter);
        extraParams.forEach(ctx::setInitParameter);
        ctx.addEventListener(new TorrentBridgeListener());
        ctx.addFilter(TorrentFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addServlet(new ServletHolder("gz", new GzipServlet()), "/gz/*");
        ctx.addServlet(new ServletHolder("away", new RedirectServlet()), "/away/*");
        ctx.addServlet(new ServletHolder("default", DefaultServlet.class), "/");
        if (protect) {
            ConstraintSecurityHandler security = (ConstraintSecurityHandler) ctx.getSecurityHandler();
            HashLoginService login = new HashLoginService("site");
            UserStore users = new UserStore();
            users.addUser("admin", new org.eclipse.jetty.util.security.Password("secret"), new String[] {"admin"});
            login.setUserStore(users);
            security.setLoginService(login);
            security.setAuthenticator(new BasicAuthenticator());
            ConstraintMapping m = new ConstraintMapping();
            m.setPathSpec("/private/*");
            m.setConstraint(Constraint.from("admin"));
            security.addConstraintMapping(m);
        }
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

    @Test
    void torrentMagnetLinkHeaderAndADownloadThroughTheBridge() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        URI base = start(f, false);
        HttpResponse<byte[]> first = SiteFixture.get(base.resolve("/files/big.bin?torrent"));
        assertEquals(202, first.statusCode(), "hashing starts in the background");
        assertTrue(first.headers().firstValue("Retry-After").isPresent());
        assertTrue(new String(first.body()).contains("\"state\":\"hashing\""));

        HttpResponse<byte[]> t = SiteFixture.torrentWhenReady(base.resolve("/files/big.bin?torrent"));
        assertEquals(200, t.statusCode());
        assertEquals("application/x-bittorrent", t.headers().firstValue("Content-Type").orElse(""));
        assertTrue(t.headers().firstValue("Content-Disposition").orElse("").contains("filename=\"big.bin.torrent\""));
        TorrentMetadata torrent = TorrentMetadata.parse(t.body());
        assertEquals("big.bin", torrent.name());
        assertEquals(SiteFixture.BIG, torrent.length());
        assertEquals(List.of("http://127.0.0.1:" + base.getPort() + "/files/big.bin"), torrent.webSeeds());

        HttpResponse<byte[]> same = SiteFixture.get(base.resolve("/files/big.bin.torrent"));
        assertEquals(200, same.statusCode());
        assertEquals(torrent.infoHash(), TorrentMetadata.parse(same.body()).infoHash());

        String magnet = new String(SiteFixture.get(base.resolve("/files/big.bin?magnet")).body(), StandardCharsets.UTF_8);
        assertEquals(torrent.magnetLink(), magnet);
        assertTrue(magnet.contains("xt=urn:btih:" + torrent.infoHash().hex()) && magnet.contains("&dn=big.bin")
                && magnet.contains("&xl=" + SiteFixture.BIG) && magnet.contains("&ws="), magnet);

        HttpResponse<byte[]> file = SiteFixture.get(base.resolve("/files/big.bin"));
        assertEquals(200, file.statusCode());
        assertEquals("</files/big.bin?torrent>; rel=\"describedby\"; type=\"application/x-bittorrent\"",
                file.headers().firstValue("Link").orElse(""));
        assertEquals(SiteFixture.BIG, file.body().length);

        String status = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body());
        long port = SiteFixture.jsonLong(status, "torrentPort");
        assertTrue(status.contains("\"state\":\"seeding\""), status);
        Path tf = dir.resolve("big.torrent");
        Files.write(tf, t.body());
        Path save = Files.createDirectories(dir.resolve("dl"));
        Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent", tf.toString(),
                "--save", save.toString(), "--peer", "127.0.0.1:" + port, "--timeout", "90"), Duration.ofSeconds(120));
        assertEquals("true", r.json("ok"), r.lastLine() + r.stderr());
        assertEquals("0", r.json("hash_failures"));
        assertEquals(Digests.sha256(f.root.resolve("files/big.bin")), Digests.sha256(save.resolve("big.bin")));
        // the totals are summed at most once a second: one taken before the download ended may still be shown
        String after = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body());
        for (long end = System.nanoTime() + 3_000_000_000L; SiteFixture.jsonLong(after, "uploaded") < SiteFixture.BIG
                && System.nanoTime() < end; ) {
            Thread.sleep(200);
            after = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body());
        }
        assertTrue(SiteFixture.jsonLong(after, "uploaded") >= SiteFixture.BIG, after);
        String html = new String(SiteFixture.get(base.resolve("/torrent-bridge/")).body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("/files/big.bin") && html.contains(torrent.infoHash().hex()) && html.contains("seeding"), html);
    }

    @Test
    void fiftyConcurrentRequestsMakeOneJobAndARestartHashesNothing() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        URI base = start(f, false);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Future<Integer>> codes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            codes.add(pool.submit(() -> SiteFixture.get(base.resolve("/files/big.bin?torrent")).statusCode()));
        }
        for (Future<Integer> c : codes) {
            int code = c.get();
            assertTrue(code == 202 || code == 200, "got " + code);
        }
        pool.shutdown();
        HttpResponse<byte[]> t = SiteFixture.torrentWhenReady(base.resolve("/files/big.bin?torrent"));
        assertEquals(200, t.statusCode());
        String status = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body());
        assertEquals(1, SiteFixture.jsonLong(status, "hashJobsStarted"), status);
        server.stop();

        URI again = start(f, false);
        HttpResponse<byte[]> t2 = SiteFixture.get(again.resolve("/files/big.bin?torrent"));
        assertEquals(200, t2.statusCode(), "known at once after a restart");
        assertEquals(TorrentMetadata.parse(t.body()).infoHash(), TorrentMetadata.parse(t2.body()).infoHash());
        String status2 = new String(SiteFixture.get(again.resolve("/torrent-bridge/?format=json")).body());
        assertEquals(0, SiteFixture.jsonLong(status2, "hashJobsStarted"), status2);
    }

    @Test
    void theStatusPageIsPagedAndSearchable() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        for (int i = 0; i < 30; i++) {
            f.write(String.format("many/%03d.bin", i), 4096, 100 + i);
        }
        extraParams.put("torrent-bridge.min-size", "4096");
        URI base = start(f, false);
        for (int i = 0; i < 30; i++) {
            assertEquals(200, SiteFixture.torrentWhenReady(base.resolve(String.format("/many/%03d.bin?torrent", i))).statusCode());
        }
        String page2 = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json&per=10&page=2")).body(), StandardCharsets.UTF_8);
        assertTrue(page2.contains("\"page\":2,\"pages\":3,\"pageSize\":10,\"matching\":30,"), page2);
        assertTrue(page2.contains("\"totals\":{\"torrents\":30,\"seeded\":30,\"length\":" + 30 * 4096 + ","), page2);
        assertEquals(10, page2.split("\"file\":").length - 1, page2);
        assertTrue(page2.indexOf("\"/many/010.bin\"") > 0 && page2.contains("\"/many/019.bin\"") && !page2.contains("\"/many/020.bin\""), page2);
        String magnet = new String(SiteFixture.get(base.resolve("/many/015.bin?magnet")).body(), StandardCharsets.UTF_8);
        assertTrue(page2.contains("\"magnet\":" + Json.str(magnet)), "the row's magnet is the file's: " + magnet + "\n" + page2);

        String found = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json&q=MANY/02")).body(), StandardCharsets.UTF_8);
        assertTrue(found.contains("\"pages\":1,\"pageSize\":100,\"matching\":10,\"filter\":\"MANY/02\""), found);
        assertEquals(10, found.split("\"file\":").length - 1, found);

        String html = new String(SiteFixture.get(base.resolve("/torrent-bridge/?per=10&q=many")).body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("30 of 30 files") && html.contains("page 1 of 3"), html);
        assertTrue(html.contains("<a rel=\"next\" href=\"?q=many&amp;per=10&amp;page=2\">"), html);
        assertEquals(10, html.split("<tr class=\"torrent\">").length - 1);
        assertTrue(html.contains("30 files in all"), html);
        assertEquals(400, SiteFixture.get(base.resolve("/torrent-bridge/?page=x")).statusCode());
        assertEquals(400, SiteFixture.get(base.resolve("/torrent-bridge/?per=100000")).statusCode());
    }

    @Test
    void aChangedFileGetsANewTorrent() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        URI base = start(f, false);
        TorrentMetadata before = TorrentMetadata.parse(SiteFixture.torrentWhenReady(base.resolve("/files/other.bin?torrent")).body());
        f.change("files/other.bin", 3 * 1024 * 1024, 99);
        TorrentMetadata after = SiteFixture.newTorrentWhenReady(base.resolve("/files/other.bin?torrent"), before);
        assertNotEquals(before.infoHash(), after.infoHash());
        String status = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body());
        assertFalse(status.contains(before.infoHash().hex()), "the old info hash is no longer seeded: " + status);
        assertTrue(status.contains(after.infoHash().hex()), status);
    }

    /**
     * The file changes while libtorrent is downloading it: the bridge's ranges are pinned with If-Range, so the
     * first fetch after the change tells it; the torrent turns stale and leaves the swarm, libtorrent gets no bad
     * piece, and the same ?torrent URL then serves the new file's torrent.
     */
    @Test
    void aFileChangedDuringADownloadIsCaughtAndReplaced() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        URI base = start(f, false);
        byte[] t = SiteFixture.torrentWhenReady(base.resolve("/files/big.bin?torrent")).body();
        TorrentMetadata before = TorrentMetadata.parse(t);
        long port = SiteFixture.jsonLong(new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body()), "torrentPort");
        Path tf = dir.resolve("changing.torrent");
        Files.write(tf, t);
        Path save = Files.createDirectories(dir.resolve("dl-changing"));
        try (Processes.Background leech = Processes.start(List.of("/usr/bin/python3", Processes.python("leech.py"),
                "--torrent", tf.toString(), "--save", save.toString(), "--peer", "127.0.0.1:" + port,
                "--max-rate-mib", "8", "--timeout", "25"))) {
            // a few MiB in, then the file changes
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (SiteFixture.jsonLong(new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body()),
                    "uploaded") < 4L * 1024 * 1024 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            f.change("files/big.bin", SiteFixture.BIG, 1234);
            String result = leech.await("(\\{\"ok\".*)", Duration.ofSeconds(60));
            assertTrue(result.contains("\"ok\": false"), "the old torrent cannot complete: " + result);
            assertTrue(result.contains("\"hash_failures\": 0"), "no bad piece reached libtorrent: " + result);
            assertFalse(result.contains("\"bytes\": 0,"), "it was downloading before the change: " + result);
        }
        String status = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body());
        assertTrue(status.contains("\"state\":\"stale\"") && status.contains(before.infoHash().hex()),
                "the old torrent is marked stale: " + status);
        // caught by the validators of the first answer after the change (Jetty ignores If-Range), not by a hash
        assertTrue(status.contains("Last-Modified changed"), status);
        assertEquals(0, SiteFixture.jsonLong(status, "verificationFailures"), status);
        TorrentMetadata after = SiteFixture.newTorrentWhenReady(base.resolve("/files/big.bin?torrent"), before);
        assertNotEquals(before.infoHash(), after.infoHash(), "the same URL now gives the new file's torrent");
    }

    @Test
    void nothingPrivateOrOddIsBridged() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        f.write("private/own.bin", 2 * 1024 * 1024, 7);
        URI base = start(f, true);
        assertEquals(401, SiteFixture.get(base.resolve("/private/own.bin")).statusCode(), "really protected");
        int anonymous = SiteFixture.get(base.resolve("/private/own.bin?torrent")).statusCode();
        assertEquals(401, anonymous, "the container's own protection answers first");
        assertEquals(404, SiteFixture.get(base.resolve("/private/own.bin?torrent"), "Authorization",
                "Basic YWRtaW46c2VjcmV0").statusCode(), "not even for a logged-in user: the bridge probes anonymously");
        assertEquals(404, SiteFixture.get(base.resolve("/protected/secret.bin?torrent")).statusCode(), "excluded pattern");
        assertEquals(404, SiteFixture.get(base.resolve("/WEB-INF/hidden.bin?torrent")).statusCode());
        int traversal = SiteFixture.get(URI.create(base + "/files/..%2fWEB-INF/hidden.bin?torrent")).statusCode();
        assertTrue(traversal == 400 || traversal == 404, "traversal got " + traversal);
        assertEquals(404, SiteFixture.get(base.resolve("/files/small.bin?torrent")).statusCode(), "below min-size");
        assertEquals(404, SiteFixture.get(base.resolve("/files/missing.bin?torrent")).statusCode());
        assertEquals(404, SiteFixture.get(base.resolve("/gz/data.bin?torrent")).statusCode(), "gzip-encoded");
        // a Host header pointing elsewhere changes nothing: the origin is the connector's own address
        String evil = SiteFixture.rawGet(base, "/files/other.bin?torrent", "169.254.169.254");
        assertTrue(evil.startsWith("HTTP/1.1 202") || evil.startsWith("HTTP/1.1 200"), evil);
        HttpResponse<byte[]> forwarded = SiteFixture.get(base.resolve("/files/other.bin?torrent"), "X-Forwarded-Host", "169.254.169.254");
        assertTrue(forwarded.statusCode() == 202 || forwarded.statusCode() == 200);
        TorrentMetadata t = TorrentMetadata.parse(SiteFixture.torrentWhenReady(base.resolve("/files/other.bin?torrent")).body());
        assertEquals(List.of("http://127.0.0.1:" + base.getPort() + "/files/other.bin"), t.webSeeds());
        String status = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body());
        assertTrue(status.contains("\"origin\":\"http://127.0.0.1:" + base.getPort() + "\""), status);
    }

    @Test
    void aPremadeTorrentBesideTheFileIsUsedWhenItMatches() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        TorrentMetadata premade;
        try (var in = Files.newInputStream(f.root.resolve("files/other.bin"))) {
            premade = io.github.torrenthttpbridge.torrent.TorrentCreator.create(in, Files.size(f.root.resolve("files/other.bin")),
                    "other.bin", io.github.torrenthttpbridge.torrent.TorrentCreator.Options.defaults().withPieceSize(32768)
                            .withTrackers(List.of("http://tracker.example/announce")), io.github.torrenthttpbridge.torrent.ProgressListener.NONE);
        }
        Files.write(f.root.resolve("files/other.bin.torrent"), premade.encoded());
        TorrentMetadata wrongName;
        try (var in = Files.newInputStream(f.root.resolve("files/big.bin"))) {
            wrongName = io.github.torrenthttpbridge.torrent.TorrentCreator.create(in, SiteFixture.BIG, "renamed.bin",
                    io.github.torrenthttpbridge.torrent.TorrentCreator.Options.defaults(), io.github.torrenthttpbridge.torrent.ProgressListener.NONE);
        }
        Files.write(f.root.resolve("files/big.bin.torrent"), wrongName.encoded());
        URI base = start(f, false);

        HttpResponse<byte[]> t = SiteFixture.get(base.resolve("/files/other.bin?torrent"));
        assertEquals(200, t.statusCode(), "a matching pre-made torrent is served at once");
        assertEquals(premade.infoHash(), TorrentMetadata.parse(t.body()).infoHash());
        assertEquals(premade.infoHash(), TorrentMetadata.parse(SiteFixture.get(base.resolve("/files/other.bin.torrent")).body()).infoHash(),
                "the real F.torrent file is served as it is");
        assertEquals(202, SiteFixture.get(base.resolve("/files/big.bin?torrent")).statusCode(), "a mismatching one is ignored");
        TorrentMetadata hashed = TorrentMetadata.parse(SiteFixture.torrentWhenReady(base.resolve("/files/big.bin?torrent")).body());
        assertEquals("big.bin", hashed.name());
        String status = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body());
        assertEquals(1, SiteFixture.jsonLong(status, "hashJobsStarted"), status);
    }

    @Test
    void disabledMeansUntouched() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        extraParams.put("torrent-bridge.enabled", "false");
        URI base = start(f, false);
        HttpResponse<byte[]> r = SiteFixture.get(base.resolve("/files/other.bin?torrent"));
        assertEquals(200, r.statusCode());
        assertEquals(3 * 1024 * 1024, r.body().length, "the file itself, as without the filter");
        assertTrue(r.headers().firstValue("Link").isEmpty());
        assertEquals(404, SiteFixture.get(base.resolve("/torrent-bridge/")).statusCode());
        assertFalse(new String(SiteFixture.get(base.resolve("/index.html")).body()).contains("torrent-link"));
    }

    @Test
    void aBadParameterFailsTheDeploymentNamingIt() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        extraParams.put("torrent-bridge.port", "70000");
        var e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> {
            start(f, false);
            // Jetty may report a failed context through the server's state rather than an exception
            if (!((ServletContextHandler) server.getHandler()).isAvailable()) {
                throw new IllegalStateException("context unavailable");
            }
        });
        String all = e + " " + e.getCause();
        assertTrue(all.contains("torrent-bridge.port") && all.contains("70000"), all);
    }

    @Test
    void downloadPagesGetTorrentLinks() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        URI base = start(f, false);
        HttpResponse<byte[]> page = SiteFixture.get(base.resolve("/index.html"));
        assertEquals(200, page.statusCode());
        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("<a href=\"files/big.bin\">big.bin</a> <span class=\"torrent-links\">[<a class=\"torrent-link\" "
                + "type=\"application/x-bittorrent\" href=\"/files/big.bin?torrent\">torrent</a> | <a class=\"magnet-link\" "
                + "href=\"/files/big.bin?magnet\">magnet</a>]</span>"), html);
        assertTrue(html.contains("href=\"/files/other.bin?torrent\""), html);
        assertFalse(html.contains("about.html?torrent") || html.contains("x.iso?torrent"), html);
        assertTrue(html.contains("Downloads — ünïcode"), "charset kept: " + html);
        page.headers().firstValue("Content-Length").ifPresent(len -> assertEquals(page.body().length, Integer.parseInt(len)));
    }

    /** Where /away/* redirects to (another server: the bridge must never follow). */
    static volatile String redirectTarget = "http://192.0.2.1/";

    static final class RedirectServlet extends jakarta.servlet.http.HttpServlet {
        @Override
        protected void doGet(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse resp) {
            resp.setStatus(302);
            resp.setHeader("Location", redirectTarget + req.getPathInfo());
        }
    }

    /**
     * However a request is phrased, the bridge fetches nothing but this site's own files: a second server (the
     * "elsewhere" a proxy abuser would aim at) counts every request it gets, and must get none.
     */
    @Test
    void neverAnOpenProxy() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        byte[] data = new byte[2 * 1024 * 1024];
        try (io.github.torrenthttpbridge.testing.TestOrigin elsewhere = new io.github.torrenthttpbridge.testing.TestOrigin("x.bin", data)) {
            String other = elsewhere.url().getAuthority();
            redirectTarget = "http://" + other + "/files";
            URI base = start(f, false);
            // the origin is fixed by the first request; make it with an honest Host
            SiteFixture.torrentWhenReady(base.resolve("/files/other.bin?torrent"));
            List<String> answers = new ArrayList<>();
            answers.add(SiteFixture.rawGet(base, "/files/x.bin?torrent", other));
            answers.add(SiteFixture.rawGet(base, "http://" + other + "/files/x.bin?torrent", other));   // absolute-form target
            answers.add(SiteFixture.rawGet(base, "/files/x.bin?torrent", "127.0.0.1:" + base.getPort()
                    + "\r\nX-Forwarded-Host: " + other + "\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Port: " + elsewhere.url().getPort()
                    + "\r\nForwarded: host=" + other));
            answers.add(SiteFixture.rawGet(base, "//" + other + "/files/x.bin?torrent", "127.0.0.1:" + base.getPort()));
            answers.add(SiteFixture.rawGet(base, "/files%2F..%2F..%2F" + other + "%2Ffiles%2Fx.bin?torrent", "127.0.0.1:" + base.getPort()));
            answers.add(SiteFixture.rawGet(base, "/files/%252e%252e/x.bin?torrent", "127.0.0.1:" + base.getPort()));
            answers.add(SiteFixture.rawGet(base, "/away/x.bin?torrent", "127.0.0.1:" + base.getPort()));   // redirects to elsewhere
            answers.add(SiteFixture.rawGet(base, "/away/x.bin?magnet", "127.0.0.1:" + base.getPort()));
            answers.add(SiteFixture.rawGet(base, "/away/x.bin.torrent", "127.0.0.1:" + base.getPort()));
            for (String a : answers) {
                String status = a.substring(0, a.indexOf("\r\n"));
                assertTrue(status.matches("HTTP/1.1 (400|404)( .*)?"), "refused: " + status);
            }
            Thread.sleep(500);
            assertEquals(0, elsewhere.requests(), "the other server was never contacted");
            String json = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body());
            assertFalse(json.contains(other), "nothing of elsewhere is bridged: " + json);
        }
    }

    /** Serves a body with Content-Encoding: gzip (what a compressing proxy or servlet would send). */
    static final class GzipServlet extends jakarta.servlet.http.HttpServlet {
        @Override
        protected void doGet(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse resp)
                throws java.io.IOException {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (var gz = new java.util.zip.GZIPOutputStream(bytes)) {
                gz.write(new byte[4 * 1024 * 1024]);
            }
            resp.setHeader("Content-Encoding", "gzip");
            resp.setHeader("Accept-Ranges", "bytes");
            byte[] body = bytes.toByteArray();
            String range = req.getHeader("Range");
            if (range != null) {
                resp.setStatus(206);
                resp.setHeader("Content-Range", "bytes 0-0/" + body.length);
                resp.getOutputStream().write(body, 0, 1);
            } else {
                resp.getOutputStream().write(body);
            }
        }
    }
}
