package io.github.torrenthttpbridge.servlet;

import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import example.EmbeddedJettyExample;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded-Jetty example runs as documented. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ExamplesIT {
    @TempDir
    Path dir;

    @Test
    void embeddedJettyExampleBridgesADirectory() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        Server server = EmbeddedJettyExample.start(f.root, 0, 0, false);
        try {
            URI base = URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
            HttpResponse<byte[]> file = SiteFixture.get(base.resolve("/files/other.bin"));
            assertEquals(200, file.statusCode());
            assertTrue(file.headers().firstValue("Link").orElse("").contains("?torrent"));
            HttpResponse<byte[]> t = SiteFixture.torrentWhenReady(base.resolve("/files/other.bin?torrent"));
            assertEquals(200, t.statusCode());
            assertEquals("other.bin", TorrentMetadata.parse(t.body()).name());
        } finally {
            server.stop();
        }
    }
}
