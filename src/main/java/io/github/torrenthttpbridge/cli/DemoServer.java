package io.github.torrenthttpbridge.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
        DemoFiles.generate(dataDir.resolve("files"));
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
