package io.github.torrenthttpbridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentFile;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-file torrents for a directory ({@code D/?torrent}) in embedded Jetty 12 with a stock DefaultServlet: the same
 * info hash as mktorrent (v1) and libtorrent (hybrid), downloads through the bridge alone (libtorrent, web seeds off)
 * and from the BEP 19 web seed alone (aria2, no peers), the rules and caps, persistence, and a changed file.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FolderIT {
    static final int PIECE = 256 * 1024;
    /** The directory's files (relative to files/rel/) and their sizes: pieces span files, one name needs encoding. */
    static final Map<String, Integer> REL = Map.of("a.bin", 3 * 1024 * 1024 + 1234, "sub/b.bin", 2 * 1024 * 1024 + 17,
            "z.bin", 700_001, "sub/deeper/c d+ü.bin", 1024 * 1024);

    @TempDir
    Path dir;
    Server server;
    final Map<String, String> extraParams = new HashMap<>();

    SiteFixture site() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        long seed = 11;
        for (Map.Entry<String, Integer> e : REL.entrySet()) {
            f.write("files/rel/" + e.getKey(), e.getValue(), seed++);
        }
        f.write("files/mixed/ok.bin", 1024 * 1024, 21);
        f.write("files/mixed/tiny.bin", 10, 22);
        f.write("files/mixed/private/s.bin", 1024 * 1024, 23);
        f.write("files/mixed/excluded.bin", 1024 * 1024, 24);
        Files.writeString(f.root.resolve("files/folders.html"), """
                <!DOCTYPE html><html><body>
                <a href="rel/">the release</a> <a href="./">this directory</a> <a href="/">home</a> <a href="nothing/">none</a>
                </body></html>
                """);
        return f;
    }

    URI start(SiteFixture f) throws Exception {
        server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.SESSIONS | ServletContextHandler.SECURITY);
        ctx.setContextPath("/");
        ctx.setBaseResource(ResourceFactory.of(server).newResource(f.root));
        SiteFixture.params(f).forEach(ctx::setInitParameter);
        ctx.setInitParameter("torrent-bridge.min-size", "100");
        ctx.setInitParameter("torrent-bridge.piece-size", Integer.toString(PIECE));
        ctx.setInitParameter("torrent-bridge.exclude", "/protected/*, /files/mixed/excluded.bin");
        extraParams.forEach(ctx::setInitParameter);
        ctx.addEventListener(new TorrentBridgeListener());
        ctx.addFilter(TorrentFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addServlet(new ServletHolder("default", DefaultServlet.class), "/");
        ConstraintSecurityHandler security = (ConstraintSecurityHandler) ctx.getSecurityHandler();
        HashLoginService login = new HashLoginService("site");
        UserStore users = new UserStore();
        users.addUser("admin", new org.eclipse.jetty.util.security.Password("secret"), new String[] {"admin"});
        login.setUserStore(users);
        security.setLoginService(login);
        security.setAuthenticator(new BasicAuthenticator());
        ConstraintMapping m = new ConstraintMapping();
        m.setPathSpec("/files/mixed/private/*");
        m.setConstraint(Constraint.from("admin"));
        security.addConstraintMapping(m);
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

    int bridgePort(URI base) throws Exception {
        return (int) SiteFixture.jsonLong(new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body()), "torrentPort");
    }

    @Test
    void aV1DirectoryTorrentHasMktorrentsInfoHashAndDownloadsThroughTheBridge() throws Exception {
        SiteFixture f = site();
        URI base = start(f);
        HttpResponse<byte[]> moved = SiteFixture.get(base.resolve("/files/rel?torrent"));
        assertEquals(301, moved.statusCode());
        assertEquals("/files/rel/?torrent", moved.headers().firstValue("Location").orElse(""));
        HttpResponse<byte[]> first = SiteFixture.get(base.resolve("/files/rel/?torrent"));
        assertTrue(first.statusCode() == 202 || first.statusCode() == 200, "hashing in the background: " + first.statusCode());

        HttpResponse<byte[]> r = SiteFixture.torrentWhenReady(base.resolve("/files/rel/?torrent"));
        assertEquals(200, r.statusCode(), new String(r.body()));
        assertTrue(r.headers().firstValue("Content-Disposition").orElse("").contains("filename=\"rel.torrent\""));
        assertTrue(r.headers().firstValue("X-Torrent-Bridge-Left-Out").isEmpty(), "nothing left out of rel/");
        TorrentMetadata t = TorrentMetadata.parse(r.body());
        assertTrue(t.isMultiFile());
        assertEquals("rel", t.name());
        assertFalse(t.hasV2());
        assertEquals(PIECE, t.pieceLength());
        List<String> paths = t.files().stream().map(x -> String.join("/", x.path())).sorted().toList();
        assertEquals(REL.keySet().stream().sorted().toList(), paths);
        assertEquals(List.of(base + "/files/"), t.webSeeds(), "BEP 19: the parent URL; clients append name and path");

        // the same info hash as mktorrent over the same directory and piece size
        Path made = dir.resolve("mk.torrent");
        Processes.Result mk = Processes.run(List.of("mktorrent", "-l", "18", "-o", made.toString(),
                f.root.resolve("files/rel").toString()), Duration.ofSeconds(60));
        assertEquals(0, mk.exitCode(), mk.stderr());
        assertEquals(TorrentMetadata.parse(Files.readAllBytes(made)).infoHash(), t.infoHash());

        String magnet = new String(SiteFixture.get(base.resolve("/files/rel/?magnet")).body(), StandardCharsets.UTF_8);
        assertTrue(magnet.startsWith("magnet:?xt=urn:btih:" + t.infoHash().hex()) && magnet.contains("&dn=rel")
                && magnet.contains("&ws=" + URLEncoder.encode(base + "/files/", StandardCharsets.UTF_8)), magnet);

        // pages link directories' torrents (not the page's own directory or the ones above it)
        String page = new String(SiteFixture.get(base.resolve("/files/folders.html")).body(), StandardCharsets.UTF_8);
        assertTrue(page.contains("href=\"/files/rel/?torrent\""), page);
        assertTrue(page.contains("href=\"magnet:?xt=urn:btih:" + t.infoHash().hex()), page);
        assertEquals(1, page.split("torrent-links").length - 1, "only rel/ gets links: " + page);

        Path save = Files.createDirectories(dir.resolve("dl"));
        leechThroughBridge(r.body(), save, bridgePort(base));
        assertSameFiles(f, save);

        // a restart serves it from the metadata directory at once, without hashing
        server.stop();
        URI again = start(f);
        HttpResponse<byte[]> restored = SiteFixture.get(again.resolve("/files/rel/?torrent"));
        assertEquals(200, restored.statusCode(), "no 202: nothing is hashed again");
        assertEquals(t.infoHash(), TorrentMetadata.parse(restored.body()).infoHash());
    }

    @Test
    void aHybridDirectoryTorrentHasLibtorrentsInfoHashesAndIsKeptWithItsPieceLayers() throws Exception {
        extraParams.put("torrent-bridge.torrent-version", "hybrid");
        SiteFixture f = site();
        URI base = start(f);
        HttpResponse<byte[]> r = SiteFixture.torrentWhenReady(base.resolve("/files/rel/?torrent"));
        assertEquals(200, r.statusCode(), new String(r.body()));
        TorrentMetadata t = TorrentMetadata.parse(r.body());
        assertTrue(t.hasV1() && t.hasV2(), t.toString());
        assertTrue(t.files().stream().anyMatch(TorrentFile::pad), "BEP 47 pads line files up with pieces");
        assertFalse(t.pieceLayers().isEmpty());
        Processes.Result lt = Processes.run(List.of("/usr/bin/python3", "-c", String.join("\n",
                "import libtorrent as lt, sys, os",
                "fs = lt.file_storage()",
                "lt.add_files(fs, sys.argv[1])",
                "ct = lt.create_torrent(fs, int(sys.argv[2]), 0)",
                "lt.set_piece_hashes(ct, os.path.dirname(sys.argv[1]))",
                "ih = lt.torrent_info(lt.bencode(ct.generate())).info_hashes()",
                "print(str(ih.v1), str(ih.v2))"), f.root.resolve("files/rel").toString(), Integer.toString(PIECE)),
                Duration.ofSeconds(60));
        assertEquals(0, lt.exitCode(), lt.stderr());
        String[] hashes = lt.lastLine().split(" ");
        assertEquals(hashes[0], t.infoHash().hex(), "v1 info hash");
        assertEquals(hashes[1], HexFormat.of().formatHex(t.v2InfoHash().orElseThrow()), "v2 info hash");

        Path save = Files.createDirectories(dir.resolve("dl"));
        leechThroughBridge(r.body(), save, bridgePort(base));
        assertSameFiles(f, save);

        server.stop();
        URI again = start(f);
        HttpResponse<byte[]> restored = SiteFixture.get(again.resolve("/files/rel/?torrent"));
        assertEquals(200, restored.statusCode(), "kept with its piece layers: nothing hashed again");
        TorrentMetadata back = TorrentMetadata.parse(restored.body());
        assertEquals(t.infoHash(), back.infoHash());
        assertEquals(t.pieceLayers().size(), back.pieceLayers().size());
    }

    @Test
    void aria2DownloadsTheDirectoryFromTheWebSeedAlone() throws Exception {
        extraParams.put("torrent-bridge.tracker", "false");  // no tracker, no DHT: the web seed is the only source
        SiteFixture f = site();
        URI base = start(f);
        HttpResponse<byte[]> r = SiteFixture.torrentWhenReady(base.resolve("/files/rel/?torrent"));
        assertEquals(200, r.statusCode());
        Path tf = dir.resolve("rel.torrent");
        Files.write(tf, r.body());
        Path save = Files.createDirectories(dir.resolve("aria"));
        Processes.Result a = Processes.run(List.of("aria2c", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                "--enable-peer-exchange=false", "--seed-time=0", "--bt-stop-timeout=60", "--listen-port=" + freePort(),
                "--console-log-level=warn", "--summary-interval=0", "--dir", save.toString(), tf.toString()),
                Duration.ofSeconds(120));
        assertEquals(0, a.exitCode(), a.stdout() + a.stderr());
        assertSameFiles(f, save);
        String status = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body());
        assertEquals(0, SiteFixture.jsonLong(status, "uploaded"), "nothing came from the bridge: " + status);
    }

    @Test
    void filesTheRulesRefuseAreLeftOutAndCapsHold() throws Exception {
        extraParams.put("torrent-bridge.max-folder-files", "3");
        SiteFixture f = site();
        URI base = start(f);
        assertEquals(401, SiteFixture.get(base.resolve("/files/mixed/private/s.bin")).statusCode(), "really protected");
        HttpResponse<byte[]> r = SiteFixture.torrentWhenReady(base.resolve("/files/mixed/?torrent"));
        assertEquals(200, r.statusCode(), new String(r.body()));
        TorrentMetadata t = TorrentMetadata.parse(r.body());
        assertEquals(List.of(List.of("ok.bin")), t.files().stream().map(TorrentFile::path).toList());
        String leftOut = r.headers().firstValue("X-Torrent-Bridge-Left-Out").orElse("");
        assertTrue(leftOut.contains("tiny.bin (smaller than") && leftOut.contains("private/s.bin (not served publicly")
                && leftOut.contains("excluded.bin (excluded"), leftOut);

        HttpResponse<byte[]> tooMany = SiteFixture.get(base.resolve("/files/rel/?torrent"));
        assertEquals(404, tooMany.statusCode());
        assertTrue(new String(tooMany.body()).contains("more than 3 files"), new String(tooMany.body()));
        assertEquals(404, SiteFixture.get(base.resolve("/?torrent")).statusCode(), "not the whole site");
        assertEquals(404, SiteFixture.get(base.resolve("/WEB-INF/?torrent")).statusCode());
        assertEquals(404, SiteFixture.get(base.resolve("/protected/?torrent")).statusCode(), "excluded directory");
        assertEquals(404, SiteFixture.get(base.resolve("/files/nothing/?torrent")).statusCode(), "no such directory");
    }

    @Test
    void aChangedFileTurnsTheTorrentStaleAndANewOneIsMade() throws Exception {
        SiteFixture f = site();
        URI base = start(f);
        byte[] oldBytes = SiteFixture.torrentWhenReady(base.resolve("/files/rel/?torrent")).body();
        TorrentMetadata before = TorrentMetadata.parse(oldBytes);
        f.change("files/rel/z.bin", REL.get("z.bin"), 99);

        // a peer of the old torrent: the bridge fetches, sees the changed file and stops, uploading nothing wrong
        Path stale = Files.createDirectories(dir.resolve("stale"));
        Path tf = dir.resolve("old.torrent");
        Files.write(tf, oldBytes);
        Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent", tf.toString(),
                "--save", stale.toString(), "--peer", "127.0.0.1:" + bridgePort(base), "--timeout", "15"), Duration.ofSeconds(60));
        assertEquals("false", r.json("ok"), "the old torrent cannot complete: " + r.lastLine());
        assertEquals("0", r.json("hash_failures"), "no bad piece reached libtorrent");
        String status = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body());
        assertTrue(status.contains("\"state\":\"stale\"") && status.contains(before.infoHash().hex()), status);

        TorrentMetadata after = SiteFixture.newTorrentWhenReady(base.resolve("/files/rel/?torrent"), before);
        assertNotEquals(before.infoHash(), after.infoHash(), "the directory's torrent is made anew");
        Path save = Files.createDirectories(dir.resolve("dl"));
        leechThroughBridge(SiteFixture.get(base.resolve("/files/rel/?torrent")).body(), save, bridgePort(base));
        assertSameFiles(f, save);
        String now = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body());
        assertFalse(now.contains(before.infoHash().hex()), "the old torrent is no longer seeded: " + now);
    }

    static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    void leechThroughBridge(byte[] torrent, Path save, int port) throws Exception {
        Path tf = Files.createTempFile(dir, "leech", ".torrent");
        Files.write(tf, torrent);
        Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent", tf.toString(),
                "--save", save.toString(), "--peer", "127.0.0.1:" + port, "--timeout", "90"), Duration.ofSeconds(120));
        assertEquals("true", r.json("ok"), r.lastLine() + r.stderr());
        assertEquals("0", r.json("hash_failures"));
    }

    static void assertSameFiles(SiteFixture f, Path save) throws Exception {
        List<String> missing = new ArrayList<>();
        for (String rel : REL.keySet()) {
            Path got = save.resolve("rel").resolve(rel);
            if (!Files.exists(got)) {
                missing.add(rel);
                continue;
            }
            assertEquals(Digests.sha256(f.root.resolve("files/rel").resolve(rel)), Digests.sha256(got), rel);
        }
        assertEquals(List.of(), missing);
    }
}
