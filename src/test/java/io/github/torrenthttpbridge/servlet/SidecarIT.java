package io.github.torrenthttpbridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.testing.WebServer;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar deployment of the README, with its nginx and its Apache configuration: the web server keeps serving
 * the files and sends only {@code ?torrent}/{@code ?magnet}, {@code F.torrent}, {@code /torrent-bridge/} and the HTML
 * pages to the bridge ({@code torrent-http-bridge proxy}, the CLI in a JVM of its own), whose upstream is a
 * loopback-only server of the same web server. A libtorrent leecher finds the bridge through the built-in tracker
 * behind the web server.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SidecarIT {
    @TempDir
    Path dir;

    final int front;
    final int upstream;
    final int bridgePort;
    final String bridge;

    SidecarIT() throws Exception {
        front = WebServer.freePort();
        upstream = WebServer.freePort();
        bridgePort = WebServer.freePort();
        bridge = "http://127.0.0.1:" + bridgePort;
    }

    /** The bridge as the README runs it: the CLI's proxy on loopback, its upstream the web server's loopback port. */
    Processes.Background bridge(URI site) throws Exception {
        Processes.Background proxy = Processes.start(Processes.cli("proxy", "--upstream", "http://127.0.0.1:" + upstream,
                "--host", "127.0.0.1", "--port", Integer.toString(bridgePort), "--trust-forwarded",
                "--data", dir.resolve("metadata").toString(), "--param", "torrent-bridge.public-url=" + site,
                "--param", "torrent-bridge.bind=127.0.0.1", "--param", "torrent-bridge.port=0",
                "--param", "torrent-bridge.dht=false"));
        proxy.await("(proxy: .*)", Duration.ofSeconds(60));
        return proxy;
    }

    @Test
    void nginxServesTheFilesAndTheBridgeTheTorrents() throws Exception {
        Path root = ProxyIT.site(dir);
        URI site = URI.create("http://127.0.0.1:" + front);
        // the README's front server (the same locations), and the bridge's upstream: the same files on loopback
        String frontBlock = """
                location /files/ { autoindex on; }
                location /private/ { auth_basic "private"; auth_basic_user_file WORK/htpasswd; }
                error_page 418 = @bridge;
                if ($args ~ "^(torrent|magnet)$") { return 418; }
                location ~ \\.torrent$ { try_files $uri @bridge; }
                location /torrent-bridge/ { proxy_pass BRIDGE; proxy_set_header X-Forwarded-For $remote_addr; }
                location ~ (\\.html|/)$ { proxy_pass BRIDGE; proxy_set_header X-Forwarded-For $remote_addr; }
                location @bridge { proxy_pass BRIDGE; proxy_set_header X-Forwarded-For $remote_addr; }
                """.replace("BRIDGE", bridge);
        String upstreamServer = """
                server {
                  listen 127.0.0.1:%d;
                  root %s;
                  access_log WORK/upstream.log t;
                  location /files/ { autoindex on; }
                  location /private/ { auth_basic "private"; auth_basic_user_file WORK/htpasswd; }
                }
                """.formatted(upstream, root);
        try (WebServer nginx = WebServer.nginx(root, dir.resolve("web"), front, frontBlock, upstreamServer);
             Processes.Background proxy = bridge(site)) {
            exercise(site, root);

            // nginx served the visitors' file requests itself: the upstream saw only the bridge's own requests for files
            String upstreamLog = Files.readString(dir.resolve("web/upstream.log"));
            assertTrue(upstreamLog.lines().filter(l -> l.contains("/files/big.bin")).allMatch(l -> l.split("\\|")[1].equals("1")),
                    upstreamLog);
            assertTrue(nginx.accessLog().contains("GET /files/big.bin HTTP/1.1"), nginx.accessLog());
        }
    }

    /** The README's Apache configuration: mod_rewrite [P] for ?torrent, ?magnet, F.torrent and pages; ProxyPass for the rest. */
    @Test
    void apacheServesTheFilesAndTheBridgeTheTorrents() throws Exception {
        Path root = ProxyIT.site(dir);
        URI site = URI.create("http://127.0.0.1:" + front);
        String config = ProxyIT.APACHE_PRIVATE + """
                RewriteEngine On
                RewriteCond %{QUERY_STRING} ^(torrent|magnet)$
                RewriteRule ^ BRIDGE%{REQUEST_URI} [P,L]
                RewriteCond %{DOCUMENT_ROOT}%{REQUEST_URI} !-f
                RewriteRule \\.torrent$ BRIDGE%{REQUEST_URI} [P,L]
                RewriteRule (\\.html|/)$ BRIDGE%{REQUEST_URI} [P,L]
                ProxyPass /torrent-bridge/ BRIDGE/torrent-bridge/
                Listen 127.0.0.1:UPSTREAM
                <VirtualHost 127.0.0.1:UPSTREAM>
                  DocumentRoot ROOT
                </VirtualHost>
                """.replace("BRIDGE", bridge).replace("UPSTREAM", Integer.toString(upstream));
        try (WebServer apache = WebServer.apache(root, dir.resolve("web"), front, config, "proxy", "proxy_http", "rewrite");
             Processes.Background proxy = bridge(site)) {
            exercise(site, root);
        }
    }

    /** What visitors and a BitTorrent client see at the front server. */
    void exercise(URI site, Path root) throws Exception {
        String page = new String(SiteFixture.get(site).body(), StandardCharsets.UTF_8);
        assertTrue(page.contains("href=\"/files/big.bin?torrent\""), page);
        assertTrue(page.contains("href=\"/files/rel/?torrent\""), page);
        String listing = new String(SiteFixture.get(site.resolve("/files/")).body(), StandardCharsets.UTF_8);
        assertTrue(listing.contains("href=\"/files/big.bin?torrent\""), "the web server's own index gets links: " + listing);

        HttpResponse<byte[]> file = SiteFixture.get(site.resolve("/files/big.bin"));
        assertEquals(200, file.statusCode());
        assertEquals(Files.size(root.resolve("files/big.bin")), file.body().length);

        HttpResponse<byte[]> t = SiteFixture.torrentWhenReady(site.resolve("/files/big.bin?torrent"));
        assertEquals(200, t.statusCode(), new String(t.body()));
        TorrentMetadata torrent = TorrentMetadata.parse(t.body());
        assertEquals(List.of(site.resolve("/files/big.bin").toString()), torrent.webSeeds());
        assertEquals(site.resolve("/torrent-bridge/announce").toString(), torrent.trackerTiers().get(0).get(0));
        HttpResponse<byte[]> dotTorrent = SiteFixture.get(site.resolve("/files/big.bin.torrent"));
        assertEquals(200, dotTorrent.statusCode());
        assertEquals(torrent.infoHash(), TorrentMetadata.parse(dotTorrent.body()).infoHash());
        HttpResponse<byte[]> folder = SiteFixture.torrentWhenReady(site.resolve("/files/rel/?torrent"));
        assertEquals(200, folder.statusCode(), new String(folder.body()));
        assertEquals("rel", TorrentMetadata.parse(folder.body()).name());
        assertEquals(404, SiteFixture.get(site.resolve("/private/secret.bin?torrent"), "Authorization", ProxyIT.AUTH).statusCode());
        assertEquals(200, SiteFixture.get(site.resolve("/torrent-bridge/?format=json")).statusCode());

        // the leecher knows only the torrent: it announces through the front server to the built-in tracker, which lists the bridge
        Path tf = dir.resolve("big.torrent");
        Files.write(tf, t.body());
        Path save = Files.createDirectories(dir.resolve("download"));
        Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent",
                tf.toString(), "--save", save.toString(), "--tracker-on-loopback", "--timeout", "60"), Duration.ofSeconds(90));
        assertEquals("true", r.json("ok"), r.lastLine() + r.stderr());
        assertEquals(Digests.sha256(root.resolve("files/big.bin")), Digests.sha256(save.resolve("big.bin")));
    }
}
