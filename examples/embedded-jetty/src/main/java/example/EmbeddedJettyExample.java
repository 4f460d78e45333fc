package example;

import java.nio.file.Path;
import java.util.EnumSet;

import io.github.torrenthttpbridge.servlet.TorrentBridgeListener;
import io.github.torrenthttpbridge.servlet.TorrentFilter;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Serve a directory with embedded Jetty 12 (ee10) and share its files over BitTorrent:
 * {@code java -cp ... example.EmbeddedJettyExample /srv/downloads 8080}.
 */
public final class EmbeddedJettyExample {
    private EmbeddedJettyExample() {
    }

    /** Starts the server on {@code port} (0 = any free one); bridge settings are ordinary context parameters. */
    public static Server start(Path directory, int port, int torrentPort, boolean dht) throws Exception {
        Server server = new Server();
        ServerConnector http = new ServerConnector(server);
        http.setPort(port);
        server.addConnector(http);

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.setBaseResource(ResourceFactory.of(server).newResource(directory));
        context.setInitParameter("torrent-bridge.port", Integer.toString(torrentPort));
        context.setInitParameter("torrent-bridge.dht", Boolean.toString(dht));
        context.setInitParameter("torrent-bridge.min-size", "1048576");
        context.addEventListener(new TorrentBridgeListener());                       // owns the bridge
        context.addFilter(TorrentFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST)); // ?torrent, ?magnet, links
        context.addServlet(DefaultServlet.class, "/");                               // the site's files
        server.setHandler(context);
        server.start();
        return server;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
        Server server = start(dir, port, 6881, true);
        System.out.println("serving " + dir.toAbsolutePath() + " on http://localhost:" + port
                + "/ ; add ?torrent or ?magnet to any file URL; status at /torrent-bridge/");
        server.join();
    }
}
