package io.github.torrenthttpbridge.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.servlet.TorrentBridgeListener;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The demo: a web application directory (the project's {@code webapp/}) deployed on embedded Jetty 12 (ee10)
 * with its own {@code WEB-INF/web.xml}, plus generated demo files under {@code /files/}.
 */
public final class DemoServer implements AutoCloseable {
    /** Demo files: name and size in MiB. Their bytes are fixed (seeded), so their info hashes are too. */
    static final Map<String, Integer> FILES = Map.of("demo-8m.bin", 8, "demo-32m.bin", 32, "demo-64m.iso", 64);

    private final Server server;
    private final WebAppContext context;

    private DemoServer(Server server, WebAppContext context) {
        this.server = server;
        this.context = context;
    }

    /**
     * @param overrides {@code torrent-bridge.*} parameters that replace those of the webapp's web.xml
     */
    public static DemoServer start(Path webappDir, Path dataDir, String host, int port, Map<String, String> overrides)
            throws Exception {
        if (!Files.isRegularFile(webappDir.resolve("WEB-INF/web.xml"))) {
            throw new IllegalArgumentException(webappDir.toAbsolutePath() + " is not a web application (no WEB-INF/web.xml)");
        }
        generateFiles(dataDir.resolve("files"));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        WebAppContext ctx = new WebAppContext();
        ctx.setContextPath("/");
        ResourceFactory rf = ResourceFactory.of(server);
        Resource base = ResourceFactory.combine(List.of(rf.newResource(webappDir.toAbsolutePath()), rf.newResource(dataDir.toAbsolutePath())));
        ctx.setBaseResource(base);
        ctx.setParentLoaderPriority(true);
        ctx.setAttribute(TorrentBridgeListener.OVERRIDES, Map.copyOf(overrides));
        ctx.setThrowUnavailableOnStartupException(true);
        server.setHandler(ctx);
        server.start();
        return new DemoServer(server, ctx);
    }

    static void generateFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (var e : FILES.entrySet()) {
            Path f = dir.resolve(e.getKey());
            long size = e.getValue() * 1024L * 1024;
            if (Files.isRegularFile(f) && Files.size(f) == size) {
                continue;
            }
            Random random = new Random(e.getKey().hashCode());
            byte[] chunk = new byte[1 << 20];
            Path tmp = Files.createTempFile(dir, ".gen-", ".part");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                for (long done = 0; done < size; done += chunk.length) {
                    random.nextBytes(chunk);
                    out.write(chunk);
                }
            }
            Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }

    public URI url() {
        ServerConnector c = (ServerConnector) server.getConnectors()[0];
        String host = c.getHost() == null || c.getHost().equals("0.0.0.0") ? "127.0.0.1" : c.getHost();
        return URI.create("http://" + host + ":" + c.getLocalPort() + "/");
    }

    public TorrentBridge bridge() {
        return TorrentBridgeListener.bridgeOf(context.getServletContext())
                .orElseThrow(() -> new IllegalStateException("the bridge is not running (torrent-bridge.enabled=false?)"));
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
