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
import java.util.Map;

import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ApplicationParameter;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo WAR built by {@code mvn package} deploys unchanged to Jetty 12 (ee10), Jetty 12.1 ee11, Tomcat 10.1
 * and Tomcat 11 (the last two generations of the Servlet API, 6.0 and 6.1), and in each a libtorrent client
 * downloads a demo file through the bridge.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class WarDeployIT {
    static final Path WAR = Path.of("target", "torrent-http-bridge-demo.war").toAbsolutePath();
    static final Path FILES = Path.of("target", "demo-files", "files").toAbsolutePath();
    @TempDir
    Path dir;

    Map<String, String> overrides(String name) {
        return Map.of("torrent-bridge.bind", "127.0.0.1", "torrent-bridge.port", "0", "torrent-bridge.dht", "false",
                "torrent-bridge.metadata-dir", dir.resolve(name + "-metadata").toString());
    }

    void exercise(URI base) throws Exception {
        String page = new String(SiteFixture.get(base.resolve("/demo/")).body(), StandardCharsets.UTF_8);
        for (String f : List.of("demo-8m.bin", "demo-16m.bin", "demo-32m.iso")) {
            assertTrue(page.contains("href=\"/demo/files/" + f + "?torrent\""), page);
        }
        HttpResponse<byte[]> t = SiteFixture.torrentWhenReady(base.resolve("/demo/files/demo-8m.bin?torrent"));
        assertEquals(200, t.statusCode(), new String(t.body()));
        TorrentMetadata torrent = TorrentMetadata.parse(t.body());
        assertEquals("demo-8m.bin", torrent.name());
        SiteFixture.leechFromBridge(base.resolve("/demo/"), t.body(), dir.resolve("leech-" + base.getPort()), FILES.resolve("demo-8m.bin"), 60);
    }

    /** WEB-INF/lib holds the library and what it runs on, nothing else (no Spring, Micrometer, servlet API). */
    @Test
    void theWarHoldsOnlyWhatRuns() throws Exception {
        List<String> jars = new java.util.ArrayList<>();
        try (java.util.zip.ZipFile war = new java.util.zip.ZipFile(WAR.toFile())) {
            war.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(n -> n.startsWith("WEB-INF/lib/") && n.endsWith(".jar"))
                    .map(n -> n.substring("WEB-INF/lib/".length()).replaceAll("-[0-9][^-]*(-SNAPSHOT)?\\.jar$", ""))
                    .sorted().forEach(jars::add);
        }
        assertEquals(List.of("bt-dht", "caffeine", "jetty-alpn-client", "jetty-client", "jetty-compression-common",
                "jetty-compression-gzip", "jetty-http", "jetty-io", "jetty-util", "slf4j-api", "slf4j-jdk14",
                "torrent-http-bridge"), jars);
    }

    @Test
    void deploysOnJetty12() throws Exception {
        Server server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        WebAppContext ctx = new WebAppContext();
        ctx.setContextPath("/demo");
        ctx.setWar(WAR.toString());
        ctx.setTempDirectory(Files.createDirectories(dir.resolve("jetty-tmp")).toFile());
        ctx.setAttribute(TorrentBridgeListener.OVERRIDES, overrides("jetty"));
        ctx.setThrowUnavailableOnStartupException(true);
        server.setHandler(ctx);
        server.start();
        try {
            exercise(URI.create("http://127.0.0.1:" + c.getLocalPort()));
        } finally {
            server.stop();
        }
    }

    /** The same WAR on Jetty 12.1 ee11 (Servlet 6.1), in a JVM of its own (this one's class path has Servlet 6.0). */
    @Test
    void deploysOnJetty121Ee11() throws Exception {
        deployElsewhere("JettyWar.java", "jetty-ee11", "\\(Jetty 12\\.1\\.[0-9]+, servlet (6\\.1)\\)");
    }

    /** The same WAR on Tomcat 11 (Servlet 6.1), in a JVM of its own. */
    @Test
    void deploysOnTomcat11() throws Exception {
        deployElsewhere("TomcatWar.java", "tomcat-11", "\\(Apache Tomcat/11\\.[0-9.]+, servlet (6\\.1)\\)");
    }

    /** What a test checks at a deployed application's base URL. */
    interface Check {
        void at(URI base) throws Exception;
    }

    /** Runs src/test/containers/LAUNCHER with target/containers/JARS (copied by the build) and exercises the WAR. */
    void deployElsewhere(String launcher, String jars, String versionLine) throws Exception {
        deployElsewhere(launcher, jars, WAR, "/demo", overrides(jars), versionLine, this::exercise);
    }

    /** Deploys {@code app} (a WAR or a directory) at {@code context} with a launcher in a JVM of its own, then checks it. */
    void deployElsewhere(String launcher, String jars, Path app, String context, Map<String, String> params, String versionLine,
                         Check check) throws Exception {
        Path lib = Path.of("target", "containers", jars).toAbsolutePath();
        assertTrue(Files.isDirectory(lib), lib + " is missing: `mvn verify` copies it (maven-dependency-plugin, pre-integration-test)");
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", lib + "/*", Path.of("src", "test", "containers", launcher).toAbsolutePath().toString(),
                app.toString(), context, dir.resolve(jars).toString()));
        params.forEach((k, v) -> command.add(k + "=" + v));
        try (Processes.Background server = Processes.start(command)) {
            String line = server.await("(listening on port .*)", Duration.ofSeconds(90));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(versionLine).matcher(line);
            assertTrue(m.find(), line);
            assertEquals("6.1", m.group(1));
            check.at(URI.create("http://127.0.0.1:" + line.replaceAll("listening on port ([0-9]+).*", "$1")));
        }
    }

    /**
     * A site whose WEB-INF/lib holds the library jar (and, with {@code withDependencies}, the jars it runs on, taken
     * from the demo WAR, as the README tells) and whose web.xml declares no filter: the jar's web-fragment.xml sets
     * everything up.
     */
    SiteFixture dropInSite(boolean withDependencies) throws Exception {
        SiteFixture f = new SiteFixture(dir);
        Path lib = Files.createDirectories(f.root.resolve("WEB-INF/lib"));
        Path jar;
        try (var jars = Files.list(Path.of("target"))) {
            jar = jars.filter(p -> p.getFileName().toString().matches("torrent-http-bridge-[0-9.]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElseThrow();
        }
        Files.copy(jar, lib.resolve(jar.getFileName()));
        if (withDependencies) {
            try (java.util.zip.ZipFile war = new java.util.zip.ZipFile(WAR.toFile())) {
                for (java.util.zip.ZipEntry e : war.stream().map(java.util.zip.ZipEntry.class::cast).toList()) {
                    if (e.getName().startsWith("WEB-INF/lib/") && !e.getName().contains("torrent-http-bridge") && !e.isDirectory()) {
                        try (var in = war.getInputStream(e)) {
                            Files.copy(in, f.root.resolve(e.getName()));
                        }
                    }
                }
            }
        }
        Files.writeString(f.root.resolve("WEB-INF/web.xml"), """
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <context-param><param-name>torrent-bridge.bind</param-name><param-value>127.0.0.1</param-value></context-param>
                  <context-param><param-name>torrent-bridge.port</param-name><param-value>0</param-value></context-param>
                  <context-param><param-name>torrent-bridge.dht</param-name><param-value>false</param-value></context-param>
                  <context-param><param-name>torrent-bridge.metadata-dir</param-name><param-value>%s</param-value></context-param>
                </web-app>
                """.formatted(f.metadata));
        return f;
    }

    /** What the drop-in jar gives a site: a file's torrent and its Link header. */
    static void dropInWorks(URI base) throws Exception {
        HttpResponse<byte[]> t = SiteFixture.torrentWhenReady(base.resolve("/files/other.bin?torrent"));
        assertEquals(200, t.statusCode(), new String(t.body()));
        assertEquals("other.bin", TorrentMetadata.parse(t.body()).name());
        assertTrue(SiteFixture.get(base.resolve("/files/other.bin")).headers().firstValue("Link").isPresent());
    }

    /** The library jar alone in WEB-INF/lib (its dependencies from this test's class path), no filter in web.xml. */
    @Test
    void dropInJarOnTomcat10() throws Exception {
        SiteFixture f = dropInSite(false);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createDirectories(dir.resolve("tomcat")).toString());
        Connector c = new Connector();
        c.setPort(0);
        c.setProperty("address", "127.0.0.1");
        tomcat.setConnector(c);
        Context ctx = tomcat.addWebapp("", f.root.toString());
        ((org.apache.tomcat.util.scan.StandardJarScanner) ctx.getJarScanner()).setScanClassPath(false);
        tomcat.start();
        try {
            dropInWorks(URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort()));
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    /**
     * The drop-in jars (the library and the jars of the demo WAR's WEB-INF/lib) on Tomcat 11, in a JVM of its own;
     * the container's redirect of a directory without '/' passes through the filter's response wrapper (Servlet 6.1's
     * new sendRedirect(String, int, boolean) behind it).
     */
    @Test
    void dropInJarsOnTomcat11() throws Exception {
        SiteFixture f = dropInSite(true);
        deployElsewhere("TomcatWar.java", "tomcat-11", f.root, "", Map.of(),
                "\\(Apache Tomcat/11\\.[0-9.]+, servlet (6\\.1)\\)", base -> {
                    dropInWorks(base);
                    HttpResponse<byte[]> redirect = SiteFixture.get(base.resolve("/files"));
                    assertEquals(302, redirect.statusCode());
                    assertTrue(redirect.headers().firstValue("Location").orElse("").endsWith("/files/"), redirect.headers().toString());
                });
    }

    @Test
    void deploysOnTomcat10() throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createDirectories(dir.resolve("tomcat")).toString());
        Connector c = new Connector();
        c.setPort(0);
        c.setProperty("address", "127.0.0.1");
        tomcat.setConnector(c);
        tomcat.getHost().setAppBase(Files.createDirectories(dir.resolve("webapps")).toString());
        Context ctx = tomcat.addWebapp("/demo", WAR.toString());
        // a stand-alone Tomcat has only the WAR: don't let it also scan this test's class path
        ((org.apache.tomcat.util.scan.StandardJarScanner) ctx.getJarScanner()).setScanClassPath(false);
        // Tomcat's own way to override web.xml context-params (context.xml <Parameter override="false">)
        for (var e : overrides("tomcat").entrySet()) {
            ApplicationParameter p = new ApplicationParameter();
            p.setName(e.getKey());
            p.setValue(e.getValue());
            p.setOverride(false);
            ctx.addApplicationParameter(p);
        }
        tomcat.start();
        try {
            exercise(URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort()));
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
