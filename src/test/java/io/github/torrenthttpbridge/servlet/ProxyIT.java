package io.github.torrenthttpbridge.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.proxy.TorrentProxy;
import io.github.torrenthttpbridge.testing.WebServer;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy ({@link TorrentProxy}) in front of real Debian web servers: nginx with {@code autoindex} (HTML, and JSON
 * under {@code /json/}) and Apache with {@code mod_autoindex}, each with a location behind basic authentication.
 * Through the proxy: page links, a file's and a folder's torrent, ranges, a libtorrent download (web seeds off)
 * from the bridge, and the protected location never bridged, even for a visitor who has its password.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProxyIT {
    static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("visitor:secret".getBytes(StandardCharsets.UTF_8));
    /** Apache's protected location: basic authentication with the test's htpasswd. */
    static final String APACHE_PRIVATE = """
                <Directory ROOT/private>
                  AuthType Basic
                  AuthName private
                  AuthUserFile WORK/htpasswd
                  Require valid-user
                </Directory>
            """;
    @TempDir
    Path dir;

    Path site() throws Exception {
        return site(dir);
    }

    /** The site the servers serve, under {@code dir/site}: a page, a file, a folder of two, a protected file. */
    static Path site(Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("site"));
        Files.writeString(root.resolve("index.html"), "<html><body><a href=\"files/big.bin\">big</a> <a href=\"files/rel/\">rel</a>"
                + " <a href=\"private/secret.bin\">secret</a></body></html>");
        write(root.resolve("files/big.bin"), 3 * 1024 * 1024 + 12_345, 1);
        write(root.resolve("files/rel/a.bin"), 1536 * 1024, 2);
        write(root.resolve("files/rel/b.bin"), 1280 * 1024 + 7, 3);
        write(root.resolve("private/secret.bin"), 1536 * 1024, 4);
        Files.writeString(root.resolve("files/notes.txt.torrent"), "a real file of the site");
        Files.createDirectories(dir.resolve("web"));
        // {SHA} passwords: both nginx and Apache read them
        Files.writeString(dir.resolve("web/htpasswd"), "visitor:{SHA}" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-1").digest("secret".getBytes(StandardCharsets.UTF_8))) + "\n");
        return root;
    }

    static void write(Path file, int size, long seed) throws Exception {
        Files.createDirectories(file.getParent());
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Files.write(file, data);
        // a file of a real site was not written in the last second (Apache gives those a weak ETag for that second)
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    }

    Map<String, String> params() {
        Map<String, String> p = new HashMap<>();
        p.put("torrent-bridge.bind", "127.0.0.1");
        p.put("torrent-bridge.port", "0");
        p.put("torrent-bridge.dht", "false");
        p.put("torrent-bridge.metadata-dir", dir.resolve("metadata").toString());
        return p;
    }

    @Test
    void nginx() throws Exception {
        Path root = site();
        try (WebServer nginx = WebServer.nginx(root, dir.resolve("web"), WebServer.freePort(), """
                location /files/ { autoindex on; }
                location /json/ { alias %s/files/; autoindex on; autoindex_format json; }
                location /private/ { auth_basic "private"; auth_basic_user_file WORK/htpasswd; autoindex on; }
                """.formatted(root));
             TorrentProxy proxy = TorrentProxy.start(nginx.url(), "127.0.0.1", 0, params())) {
            TorrentMetadata folder = exercise(proxy.url(), root);
            // nginx's JSON index lists the same folder: the same torrent
            HttpResponse<byte[]> json = SiteFixture.torrentWhenReady(proxy.url().resolve("/json/rel/?torrent"));
            assertEquals(200, json.statusCode(), new String(json.body()));
            assertEquals(folder.infoHash(), TorrentMetadata.parse(json.body()).infoHash());
            // the folder, too, downloads from the bridge (web seeds off), each file from the upstream through it
            SiteFixture.leechFromBridge(proxy.url(), json.body(), dir.resolve("leech-folder"), root.resolve("files/rel"), 60);
            // the bridge's own requests (probes, listings, pieces) never carried a visitor's credentials
            List<String> own = nginx.accessLog().lines().filter(l -> l.split("\\|")[1].equals("1")).toList();
            assertTrue(own.size() >= 5, nginx.accessLog());
            for (String l : own) {
                assertTrue(l.startsWith("-|1|-|"), l);
            }
            assertTrue(own.stream().anyMatch(l -> l.contains("GET /files/rel/ ")), "the folder was listed: " + own);
            assertTrue(own.stream().anyMatch(l -> l.contains("/private/secret.bin") && l.contains("|401|")),
                    "the protected file was probed and refused: " + own);
        }
    }

    @Test
    void apache() throws Exception {
        Path root = site();
        try (WebServer apache = WebServer.apache(root, dir.resolve("web"), WebServer.freePort(), APACHE_PRIVATE);
             TorrentProxy proxy = TorrentProxy.start(apache.url(), "127.0.0.1", 0, params())) {
            exercise(proxy.url(), root);
        }
    }

    /** Everything a visitor and a BitTorrent client see through the proxy; returns the folder's torrent. */
    TorrentMetadata exercise(URI proxy, Path root) throws Exception {
        String page = new String(SiteFixture.get(proxy).body(), StandardCharsets.UTF_8);
        assertTrue(page.contains("href=\"/files/big.bin?torrent\""), page);
        assertTrue(page.contains("href=\"/files/rel/?torrent\""), "a folder link from the upstream's index: " + page);

        // never an open proxy: neither Host nor an absolute-form target chooses where the request goes
        String hosted = SiteFixture.rawGet(proxy, "/index.html", "attacker.example:1");
        assertTrue(hosted.startsWith("HTTP/1.1 200") && hosted.contains("files/big.bin?torrent"), hosted);
        String absolute = SiteFixture.rawGet(proxy, "http://127.0.0.1:1/index.html", "127.0.0.1:1");
        assertTrue(absolute.startsWith("HTTP/1.1 200") && absolute.contains("files/big.bin?torrent"), absolute);

        HttpResponse<byte[]> file = SiteFixture.get(proxy.resolve("/files/big.bin"));
        assertEquals(200, file.statusCode());
        assertArrayEquals(Files.readAllBytes(root.resolve("files/big.bin")), file.body());
        assertTrue(file.headers().firstValue("Link").orElse("").contains("</files/big.bin?torrent>"), file.headers().toString());
        HttpResponse<byte[]> range = SiteFixture.get(proxy.resolve("/files/big.bin"), "Range", "bytes=100-199");
        assertEquals(206, range.statusCode());
        assertEquals(100, range.body().length);

        HttpResponse<byte[]> t = SiteFixture.torrentWhenReady(proxy.resolve("/files/big.bin?torrent"));
        assertEquals(200, t.statusCode(), new String(t.body()));
        TorrentMetadata torrent = TorrentMetadata.parse(t.body());
        assertEquals("big.bin", torrent.name());
        assertEquals(Files.size(root.resolve("files/big.bin")), torrent.length());
        assertEquals(List.of(proxy.resolve("/files/big.bin").toString()), torrent.webSeeds());
        String magnet = new String(SiteFixture.get(proxy.resolve("/files/big.bin?magnet")).body(), StandardCharsets.UTF_8);
        assertTrue(magnet.startsWith("magnet:?xt=urn:btih:" + torrent.infoHash().hex()), magnet);

        HttpResponse<byte[]> dotTorrent = SiteFixture.get(proxy.resolve("/files/big.bin.torrent"));
        assertEquals(torrent.infoHash(), TorrentMetadata.parse(dotTorrent.body()).infoHash());
        // a real F.torrent of the upstream (in its directory index) is the upstream's, not the bridge's
        assertEquals("a real file of the site", new String(SiteFixture.get(proxy.resolve("/files/notes.txt.torrent")).body(),
                StandardCharsets.UTF_8));

        HttpResponse<byte[]> f = SiteFixture.torrentWhenReady(proxy.resolve("/files/rel/?torrent"));
        assertEquals(200, f.statusCode(), new String(f.body()));
        TorrentMetadata folder = TorrentMetadata.parse(f.body());
        assertEquals("rel", folder.name());
        assertEquals(List.of(List.of("a.bin"), List.of("b.bin")), folder.files().stream().map(x -> x.path()).sorted(
                java.util.Comparator.comparing(Object::toString)).toList());

        // the protected location: served to the visitor with the password, never bridged
        assertEquals(401, SiteFixture.get(proxy.resolve("/private/secret.bin")).statusCode());
        assertEquals(200, SiteFixture.get(proxy.resolve("/private/secret.bin"), "Authorization", AUTH).statusCode());
        assertEquals(404, SiteFixture.get(proxy.resolve("/private/secret.bin?torrent"), "Authorization", AUTH).statusCode());
        assertEquals(404, SiteFixture.get(proxy.resolve("/private/?torrent"), "Authorization", AUTH).statusCode());

        SiteFixture.leechFromBridge(proxy, t.body(), dir.resolve("leech"), root.resolve("files/big.bin"), 60);
        return folder;
    }
}
