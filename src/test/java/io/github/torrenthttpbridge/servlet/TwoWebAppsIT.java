package io.github.torrenthttpbridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.bridge.PortUnavailableException;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several web applications in one container (embedded Tomcat 10.1): each gets its own bridge on its own free
 * port (torrent-bridge.port=0), each is downloaded through by libtorrent; a web application whose port is taken
 * fails its start with one error naming torrent-bridge.port, and the others keep working.
 */
@Timeout(300)
class TwoWebAppsIT {
    @TempDir
    Path dir;
    Tomcat tomcat;

    static Context addSite(Tomcat tomcat, String contextPath, SiteFixture f, String port) {
        Context ctx = tomcat.addContext(contextPath, f.root.toString());
        Tomcat.addDefaultMimeTypeMappings(ctx);
        java.util.Map<String, String> params = SiteFixture.params(f);
        params.put("torrent-bridge.port", port);
        params.forEach(ctx::addParameter);
        ctx.addApplicationListener(TorrentBridgeListener.class.getName());
        FilterDef def = new FilterDef();
        def.setFilterName("torrent-http-bridge");
        def.setFilterClass(TorrentFilter.class.getName());
        ctx.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("torrent-http-bridge");
        map.addURLPattern("/*");
        ctx.addFilterMap(map);
        Tomcat.addServlet(ctx, "default", new DefaultServlet());
        ctx.addServletMappingDecoded("/", "default");
        return ctx;
    }

    @AfterEach
    void stop() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void twoSitesInOneTomcatEachSeedOnTheirOwnPortAndATakenPortFailsTheStart() throws Exception {
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger catalina = Logger.getLogger("org.apache.catalina");
        catalina.addHandler(capture);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            tomcat = new Tomcat();
            tomcat.setBaseDir(Files.createDirectories(dir.resolve("tomcat")).toString());
            Connector c = new Connector();
            c.setPort(0);
            c.setProperty("address", "127.0.0.1");
            tomcat.setConnector(c);
            SiteFixture a = new SiteFixture(dir.resolve("a"));
            SiteFixture b = new SiteFixture(dir.resolve("b"));
            SiteFixture clash = new SiteFixture(dir.resolve("c"));
            b.write("files/big.bin", SiteFixture.BIG, 42);  // other bytes than a's: another info hash
            addSite(tomcat, "/a", a, "0");
            addSite(tomcat, "/b", b, "0");
            Context failed = addSite(tomcat, "/c", clash, Integer.toString(taken.getLocalPort()));
            tomcat.start();
            URI base = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort());

            assertNotEquals(LifecycleState.STARTED, failed.getState(), "the web application with the taken port did not start");
            String reasons = logged.stream().map(r -> r.getThrown() == null ? "" : causes(r.getThrown())).reduce("", String::concat);
            assertTrue(reasons.contains("torrent-bridge.port=" + taken.getLocalPort()) && reasons.contains("0 for any free port"), reasons);
            assertEquals(404, SiteFixture.get(base.resolve("/c/torrent-bridge/?format=json")).statusCode());

            long portA = download(base.resolve("/a/"), a, "a");
            long portB = download(base.resolve("/b/"), b, "b");
            assertNotEquals(portA, portB);
            assertTrue(portA > 0 && portB > 0);
        } finally {
            catalina.removeHandler(capture);
        }
    }

    private static String causes(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }

    /** Downloads big.bin of the site at {@code base} with libtorrent from the bridge alone; returns the bridge's port. */
    private long download(URI base, SiteFixture f, String name) throws Exception {
        HttpResponse<byte[]> t = SiteFixture.torrentWhenReady(base.resolve("files/big.bin?torrent"));
        assertEquals(200, t.statusCode(), new String(t.body()));
        TorrentMetadata torrent = TorrentMetadata.parse(t.body());
        assertEquals(List.of(List.of(base + "torrent-bridge/announce")), torrent.trackerTiers(), "each site's own tracker");
        String status = new String(SiteFixture.get(base.resolve("torrent-bridge/?format=json")).body());
        long port = SiteFixture.jsonLong(status, "torrentPort");
        Path tf = dir.resolve(name + ".torrent");
        Files.write(tf, t.body());
        Path save = Files.createDirectories(dir.resolve("dl-" + name));
        Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent", tf.toString(),
                "--save", save.toString(), "--peer", "127.0.0.1:" + port, "--timeout", "90"), Duration.ofSeconds(120));
        assertEquals("true", r.json("ok"), r.lastLine() + r.stderr());
        assertEquals(Digests.sha256(f.root.resolve("files/big.bin")), Digests.sha256(save.resolve("big.bin")));
        return port;
    }

    /** The library itself: a taken peer or DHT port is an exception from start, and nothing is left running. */
    @Test
    void theBridgeRefusesAPortItCannotBind() throws Exception {
        try (ServerSocket tcp = new ServerSocket(); java.net.DatagramSocket udp = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            BridgeConfig.Builder cfg = BridgeConfig.builder().bindAddress(InetAddress.getLoopbackAddress()).dht(false);
            PortUnavailableException peers = assertThrows(PortUnavailableException.class,
                    () -> TorrentBridge.start(cfg.port(tcp.getLocalPort()).build()));
            assertEquals(PortUnavailableException.Use.PEERS, peers.use());
            assertEquals(tcp.getLocalPort(), peers.port());
            PortUnavailableException dht = assertThrows(PortUnavailableException.class,
                    () -> TorrentBridge.start(cfg.port(0).dht(true).dhtPublicRouters(false).dhtPort(udp.getLocalPort()).build()));
            assertEquals(PortUnavailableException.Use.DHT, dht.use());
            assertTrue(dht.getMessage().contains("UDP") && dht.getMessage().contains(Integer.toString(udp.getLocalPort())), dht.getMessage());
            try (TorrentBridge ok = TorrentBridge.start(cfg.port(0).dht(false).build())) {
                assertTrue(ok.torrentPort() > 0);
            }
        }
    }
}
