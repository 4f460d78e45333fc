package io.github.torrenthttpbridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentFile;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The site behind a real nginx (Debian's nginx-light) with {@code public-url} = the proxy: a denied folder, a denied
 * file and {@code auth_basic} locations. The bridge sees the site as a visitor does: their files are in no torrent,
 * get no page link and no status row, a libtorrent leecher gets none of their bytes; a protection added after hashing
 * stops the seeding; a proxy answering 503 during a folder scan leaves the complete torrent in place.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FrontProxyIT {
    static final int MIB = 1024 * 1024;
    static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("member:secret".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;
    private final List<AutoCloseable> started = new ArrayList<>();
    private Path nginxConf;
    private int nginxPort;
    private int sitePort;
    private Processes.Background nginx;
    private Processes.Background site;

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : started) {
            c.close();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Writes nginx's configuration: the site behind it, with these locations denied or behind a password. */
    void writeNginx(String extra) throws Exception {
        Path w = nginxConf.getParent();
        String upstream = "proxy_pass http://127.0.0.1:" + sitePort + "; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;";
        String members = "auth_basic \"members\"; auth_basic_user_file " + w.resolve("htpasswd") + "; " + upstream;
        Files.writeString(nginxConf, "worker_processes 1; daemon off; pid " + w.resolve("nginx.pid") + "; error_log "
                + w.resolve("error.log") + ";\nevents { worker_connections 256; }\nhttp { access_log " + w.resolve("access.log")
                + "; proxy_buffering off; client_body_temp_path " + w + "; proxy_temp_path " + w + ";\n"
                + "  server { listen 127.0.0.1:" + nginxPort + ";\n"
                + "    location / { " + upstream + " }\n"
                + "    location /rel/internal/ { deny all; }\n"
                + "    location /denied/ { deny all; }\n"
                + "    location /auth/ { " + members + " }\n"
                + "    location /rel/members/ { " + members + " }\n"
                + extra + "  }\n}\n");
    }

    void reloadNginx() throws Exception {
        Processes.Result r = Processes.run(List.of("nginx", "-c", nginxConf.toString(), "-p", nginxConf.getParent().toString(),
                "-s", "reload"), Duration.ofSeconds(20));
        assertEquals(0, r.exitCode(), r.stderr());
        Thread.sleep(1500);   // the new workers take over
    }

    /** Starts nginx, then the site (its own JVM) behind it with public-url = nginx and these extra parameters. */
    void startBehindNginx(SiteFixture f, Map<String, String> extra) throws Exception {
        Path w = Files.createDirectories(dir.resolve("nginx"));
        Files.writeString(w.resolve("htpasswd"), "member:{PLAIN}secret\n");
        for (Path readable : List.of(dir, w)) {   // nginx's workers (nobody, when started as root) read the password file
            Files.setPosixFilePermissions(readable, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        nginxConf = w.resolve("nginx.conf");
        nginxPort = freePort();
        sitePort = freePort();
        writeNginx("");
        nginx = Processes.start(List.of("nginx", "-c", nginxConf.toString(), "-p", w.toString()));
        started.add(nginx);
        site = startSite(f, extra);
    }

    /** Starts the site (its own JVM) with public-url = nginx and these extra parameters. */
    Processes.Background startSite(SiteFixture f, Map<String, String> extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SiteServerMain.class.getName(), f.root.toString(),
                Integer.toString(sitePort), "280"));
        Map<String, String> p = SiteFixture.params(f);
        p.put("torrent-bridge.origin", "http://127.0.0.1:" + sitePort);
        p.put("torrent-bridge.public-url", "http://127.0.0.1:" + nginxPort);
        p.put("torrent-bridge.piece-size", Integer.toString(256 * 1024));
        p.putAll(extra);
        p.forEach((k, v) -> cmd.add(k + "=" + v));
        Processes.Background site = Processes.start(cmd);
        started.add(site);
        site.await("\"port\": (\\d+)", Duration.ofSeconds(60));
        return site;
    }

    @Test
    void theBridgePublishesOnlyWhatTheProxyLetsThePublicFetch() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        f.write("rel/a.bin", 2 * MIB, 11);
        f.write("rel/b.bin", 2 * MIB, 12);
        f.write("rel/internal/secret.bin", 2 * MIB, 13);
        f.write("rel/members/m.bin", 2 * MIB, 14);
        f.write("denied/x.bin", 2 * MIB, 15);
        f.write("auth/y.bin", 2 * MIB, 16);
        Files.writeString(f.root.resolve("proxy.html"), "<html><body><a href=\"files/other.bin\">other</a> "
                + "<a href=\"denied/x.bin\">x</a> <a href=\"auth/y.bin\">y</a> <a href=\"rel/\">rel</a></body></html>");
        startBehindNginx(f, Map.of());
        URI pub = URI.create("http://127.0.0.1:" + nginxPort);
        URI origin = URI.create("http://127.0.0.1:" + sitePort);

        // the proxy's rules as a visitor meets them: denied, password, public
        assertEquals(403, SiteFixture.get(pub.resolve("/denied/x.bin"), "Range", "bytes=0-0").statusCode());
        assertEquals(401, SiteFixture.get(pub.resolve("/auth/y.bin"), "Range", "bytes=0-0").statusCode());
        assertEquals(206, SiteFixture.get(pub.resolve("/auth/y.bin"), "Range", "bytes=0-0", "Authorization", BASIC).statusCode());
        assertEquals(206, SiteFixture.get(pub.resolve("/files/other.bin"), "Range", "bytes=0-0").statusCode());

        // protected files get no torrent, even when asked on the origin's own connector behind the proxy
        for (String path : List.of("/denied/x.bin", "/auth/y.bin", "/rel/internal/secret.bin", "/rel/members/m.bin")) {
            assertEquals(404, SiteFixture.torrentWhenReady(origin.resolve(path + "?torrent")).statusCode(), path);
        }
        assertEquals(404, SiteFixture.get(pub.resolve("/auth/y.bin?torrent"), "Authorization", BASIC).statusCode(),
                "the visitor's credentials do not make it public");
        HttpResponse<byte[]> other = SiteFixture.torrentWhenReady(pub.resolve("/files/other.bin?torrent"));
        assertEquals(200, other.statusCode());
        TorrentMetadata otherTorrent = TorrentMetadata.parse(other.body());

        // the folder's torrent holds only its public files
        HttpResponse<byte[]> rel = SiteFixture.torrentWhenReady(pub.resolve("/rel/?torrent"));
        assertEquals(200, rel.statusCode());
        TorrentMetadata relTorrent = TorrentMetadata.parse(rel.body());
        List<String> names = relTorrent.files().stream().filter(x -> !x.pad()).map(x -> String.join("/", x.path())).toList();
        assertEquals(List.of("a.bin", "b.bin"), names);
        String leftOut = rel.headers().firstValue("X-Torrent-Bridge-Left-Out").orElse("");
        assertTrue(leftOut.contains("internal/secret.bin") && leftOut.contains("members/m.bin"), leftOut);

        // no page links to protected files (after the first view has had them probed), links to the public ones
        SiteFixture.get(pub.resolve("/proxy.html"));
        Thread.sleep(3000);
        String page = new String(SiteFixture.get(pub.resolve("/proxy.html")).body(), StandardCharsets.UTF_8);
        assertTrue(page.contains("/files/other.bin?torrent"), page);
        assertFalse(page.contains("denied/x.bin?") || page.contains("auth/y.bin?"), page);

        // no status rows for them
        String status = new String(SiteFixture.get(origin.resolve("/torrent-bridge/?format=json")).body(), StandardCharsets.UTF_8);
        assertFalse(status.contains("secret.bin") || status.contains("x.bin") || status.contains("y.bin") || status.contains("m.bin"), status);
        assertTrue(status.contains("\"/rel/\"") && status.contains("\"/files/other.bin\""), status);
        int bridgePort = (int) SiteFixture.jsonLong(status, "torrentPort");

        // a libtorrent leecher downloads the folder from the bridge (web seeds off): the public files, nothing else
        Path save = dir.resolve("dl-rel");
        Processes.Result r = leech(rel.body(), "rel", bridgePort, 60);
        assertEquals("true", r.json("ok"), r.lastLine() + "\n" + r.stderr());
        assertEquals(Digests.sha256(f.root.resolve("rel/a.bin")), Digests.sha256(save.resolve("rel/a.bin")));
        try (var all = Files.walk(save)) {
            assertEquals(List.of("a.bin", "b.bin"), all.filter(Files::isRegularFile).map(x -> x.getFileName().toString()).sorted().toList());
        }

        // a proxy answering 503 while the folder is scanned again: the complete torrent stays, nothing is re-hashed
        long hashesBefore = SiteFixture.jsonLong(status, "hashesRun");
        writeNginx("    location = /rel/b.bin { return 503; }\n");
        reloadNginx();
        Thread.sleep(11_000);   // the folder's scan (10 s) and probes (2 s) are no longer reused
        HttpResponse<byte[]> busy = SiteFixture.get(pub.resolve("/rel/?torrent"));
        assertEquals(200, busy.statusCode(), "the complete torrent is still served");
        assertEquals(relTorrent.infoHash(), TorrentMetadata.parse(busy.body()).infoHash());
        status = new String(SiteFixture.get(origin.resolve("/torrent-bridge/?format=json")).body(), StandardCharsets.UTF_8);
        assertTrue(status.contains("\"file\":\"/rel/\",\"state\":\"seeding\",\"infohash\":\"" + relTorrent.infoHash().hex()), status);
        assertEquals(hashesBefore, SiteFixture.jsonLong(status, "hashesRun"), "no smaller torrent was made");

        // a protection added after hashing: the next look (a request, or the recheck of active torrents) stops the seeding
        writeNginx("    location = /files/other.bin { deny all; }\n");
        reloadNginx();
        Thread.sleep(2500);   // the probe's answer (2 s) is no longer reused
        assertEquals(404, SiteFixture.get(origin.resolve("/files/other.bin?torrent")).statusCode());
        status = new String(SiteFixture.get(origin.resolve("/torrent-bridge/?format=json")).body(), StandardCharsets.UTF_8);
        assertFalse(status.contains("/files/other.bin"), status);
        Processes.Result none = leech(other.body(), "other", bridgePort, 6);
        assertEquals("false", none.json("ok"), none.lastLine());
        assertEquals("0", none.json("bytes"), "no byte of " + otherTorrent.name() + " once it is protected: " + none.lastLine());
    }

    /** A libtorrent leecher (web seeds off) given only the bridge as a peer; saves into dl-NAME. */
    Processes.Result leech(byte[] torrent, String name, int bridgePort, int seconds) throws Exception {
        Path save = Files.createDirectories(dir.resolve("dl-" + name));
        Path torrentFile = dir.resolve(name + ".torrent");
        Files.write(torrentFile, torrent);
        return Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent", torrentFile.toString(),
                "--save", save.toString(), "--peer", "127.0.0.1:" + bridgePort, "--timeout", String.valueOf(seconds)),
                Duration.ofSeconds(seconds + 30));
    }

    @Test
    void theTrackerBehindTheProxySeesEachClientAndTheBridgeDialsNoLoopbackAddressItWasGiven() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        // bound to the wildcard address, not to loopback: announced loopback peers must not be dialed
        startBehindNginx(f, Map.of("torrent-bridge.bind", "0.0.0.0", "torrent-bridge.trusted-proxies", "127.0.0.1"));
        URI pub = URI.create("http://127.0.0.1:" + nginxPort);
        HttpResponse<byte[]> t = SiteFixture.torrentWhenReady(pub.resolve("/files/other.bin?torrent"));
        assertEquals(200, t.statusCode());
        TorrentMetadata torrent = TorrentMetadata.parse(t.body());
        StringBuilder ih = new StringBuilder();
        for (byte b : torrent.infoHash().bytes()) {
            ih.append('%').append(String.format("%02X", b & 0xff));
        }
        try (ServerSocket service = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.5"))) {   // a local service
            int port = service.getLocalPort();
            java.util.concurrent.atomic.AtomicInteger knocks = new java.util.concurrent.atomic.AtomicInteger();
            Thread accept = new Thread(() -> {
                while (!service.isClosed()) {
                    try (java.net.Socket s = service.accept()) {
                        knocks.incrementAndGet();
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            }, "knocks");
            accept.setDaemon(true);
            accept.start();

            String first = announce("127.0.0.5", ih, port);
            assertFalse(first.contains("failure reason"), first);
            String second = announce("127.0.0.6", ih, 40000);
            assertTrue(second.contains(compact("127.0.0.5", port)), "the next client learns the real address: " + second);
            assertFalse(second.contains(compact("127.0.0.1", port)), "not the proxy's: " + second);

            // the announce limit is per client, not one for everybody behind the proxy
            String last = "";
            for (int i = 0; i < 60 && !last.contains("failure reason"); i++) {
                last = announce("127.0.0.5", ih, port);
            }
            assertTrue(last.contains("too many announces from 127.0.0.5"), last);
            String other = announce("127.0.0.6", ih, 40000);
            assertFalse(other.contains("failure reason"), "another client behind the same proxy still announces: " + other);

            Thread.sleep(8000);   // the bridge dials a leecher that has not connected within 5 s
            assertEquals(0, knocks.get(), "the bridge dialed a loopback address it learnt from an announce");
        }
    }

    @Test
    void aRestartSeedsStoredTorrentsAtOnceEvenWhileTheirFilesCannotBeProbed() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        startBehindNginx(f, Map.of());
        URI pub = URI.create("http://127.0.0.1:" + nginxPort);
        URI origin = URI.create("http://127.0.0.1:" + sitePort);
        HttpResponse<byte[]> t = SiteFixture.torrentWhenReady(pub.resolve("/files/other.bin?torrent"));
        assertEquals(200, t.statusCode());
        site.close();
        nginx.close();   // the public URL refuses connections now: every probe fails, transiently

        long start = System.nanoTime();
        startSite(f, Map.of());
        String status = "";
        while (!status.contains("\"file\":\"/files/other.bin\",\"state\":\"seeding\"")) {
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "not seeded again: " + status);
            Thread.sleep(50);
            status = new String(SiteFixture.get(origin.resolve("/torrent-bridge/?format=json")).body(), StandardCharsets.UTF_8);
        }
        System.out.printf("seeding again %d ms after the restart began (JVM start included)%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        int bridgePort = (int) SiteFixture.jsonLong(status, "torrentPort");
        Processes.Result r = leech(t.body(), "again", bridgePort, 60);
        assertEquals("true", r.json("ok"), r.lastLine() + "\n" + r.stderr());
        assertEquals(Digests.sha256(f.root.resolve("files/other.bin")), Digests.sha256(dir.resolve("dl-again/other.bin")));
        Thread.sleep(2500);   // the background check of the stored torrent has run by now, and failed transiently
        status = new String(SiteFixture.get(origin.resolve("/torrent-bridge/?format=json")).body(), StandardCharsets.UTF_8);
        assertTrue(status.contains("\"file\":\"/files/other.bin\",\"state\":\"seeding\""),
                "a probe that could not connect is no verdict: " + status);
        try (var stored = Files.list(f.metadata)) {
            assertEquals(1, stored.filter(x -> x.toString().endsWith(".info")).count(), "still stored");
        }
    }

    /** An announce to the built-in tracker through nginx from {@code from} (a loopback address); the raw answer. */
    String announce(String from, CharSequence infoHash, int port) throws Exception {
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new java.net.InetSocketAddress(from, 0));
            s.connect(new java.net.InetSocketAddress("127.0.0.1", nginxPort), 5000);
            s.setSoTimeout(10_000);
            String q = "info_hash=" + infoHash + "&peer_id=-LT2080-" + String.format("%012d", port) + "&port=" + port
                    + "&uploaded=0&downloaded=0&left=1000&compact=1&event=started";
            s.getOutputStream().write(("GET /torrent-bridge/announce?" + q + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** A peer in BEP 23 compact form, as text of its bytes. */
    static String compact(String ip, int port) throws Exception {
        byte[] a = InetAddress.getByName(ip).getAddress();
        return new String(new byte[] {a[0], a[1], a[2], a[3], (byte) (port >> 8), (byte) port}, StandardCharsets.ISO_8859_1);
    }
}
