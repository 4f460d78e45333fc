package io.github.torrenthttpbridge.servlet;

import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter in embedded Tomcat 10.1 beside Tomcat's own DefaultServlet, driven over real HTTP. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TomcatFilterIT {
    @TempDir
    Path dir;
    Tomcat tomcat;

    URI start(SiteFixture f) throws Exception {
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createDirectories(dir.resolve("tomcat")).toString());
        Connector c = new Connector();
        c.setPort(0);
        c.setProperty("address", "127.0.0.1");
        tomcat.setConnector(c);
        Context ctx = tomcat.addContext("", f.root.toString());
        Tomcat.addDefaultMimeTypeMappings(ctx);
        SiteFixture.params(f).forEach(ctx::addParameter);
        ctx.addApplicationListener(TorrentBridgeListener.class.getName());
        FilterDef def = new FilterDef();
        def.setFilterName("torrent-http-bridge");
        def.setFilterClass(TorrentFilter.class.getName());
        def.setAsyncSupported("true");
        ctx.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("torrent-http-bridge");
        map.addURLPattern("/*");
        ctx.addFilterMap(map);
        Tomcat.addServlet(ctx, "default", new DefaultServlet());
        ctx.addServletMappingDecoded("/", "default");
        ctx.addWelcomeFile("index.html");
        tomcat.start();
        return URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort());
    }

    @AfterEach
    void stop() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void torrentLinksAndADownloadThroughTheBridgeOnTomcat() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        URI base = start(f);
        assertEquals(202, SiteFixture.get(base.resolve("/files/big.bin?torrent")).statusCode());
        HttpResponse<byte[]> t = SiteFixture.torrentWhenReady(base.resolve("/files/big.bin?torrent"));
        assertEquals(200, t.statusCode(), new String(t.body()));
        TorrentMetadata torrent = TorrentMetadata.parse(t.body());
        assertEquals(SiteFixture.BIG, torrent.length());
        assertEquals(torrent.magnetLink(), new String(SiteFixture.get(base.resolve("/files/big.bin?magnet")).body(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> file = SiteFixture.get(base.resolve("/files/big.bin"));
        assertEquals(200, file.statusCode());
        assertEquals(SiteFixture.BIG, file.body().length);
        assertTrue(file.headers().firstValue("Link").orElse("").startsWith("</files/big.bin?torrent>; rel=\"describedby\""),
                file.headers().map().toString());

        String status = new String(SiteFixture.get(base.resolve("/torrent-bridge/?format=json")).body());
        Path tf = dir.resolve("big.torrent");
        Files.write(tf, t.body());
        Path save = Files.createDirectories(dir.resolve("dl"));
        Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent", tf.toString(),
                "--save", save.toString(), "--peer", "127.0.0.1:" + SiteFixture.jsonLong(status, "torrentPort"),
                "--timeout", "90"), Duration.ofSeconds(120));
        assertEquals("true", r.json("ok"), r.lastLine() + r.stderr());
        assertEquals("0", r.json("hash_failures"));
        assertEquals(Digests.sha256(f.root.resolve("files/big.bin")), Digests.sha256(save.resolve("big.bin")));

        String html = new String(SiteFixture.get(base.resolve("/index.html")).body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("href=\"/files/big.bin?torrent\"") && html.contains("Downloads — ünïcode"), html);
    }

    @Test
    void nothingPrivateIsBridgedOnTomcat() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        URI base = start(f);
        assertEquals(404, SiteFixture.get(base.resolve("/WEB-INF/hidden.bin?torrent")).statusCode());
        assertEquals(404, SiteFixture.get(base.resolve("/protected/secret.bin?torrent")).statusCode());
        int traversal = SiteFixture.get(URI.create(base + "/files/..%2fWEB-INF/hidden.bin?torrent")).statusCode();
        assertTrue(traversal == 400 || traversal == 404, "traversal got " + traversal);
        assertEquals(404, SiteFixture.get(base.resolve("/files/small.bin?torrent")).statusCode());
        HttpResponse<byte[]> r = SiteFixture.get(base.resolve("/files/other.bin?torrent"), "X-Forwarded-Host", "evil.example");
        assertTrue(r.statusCode() == 202 || r.statusCode() == 200);
        TorrentMetadata t = TorrentMetadata.parse(SiteFixture.torrentWhenReady(base.resolve("/files/other.bin?torrent")).body());
        assertEquals(List.of("http://127.0.0.1:" + base.getPort() + "/files/other.bin"), t.webSeeds());
    }
}
