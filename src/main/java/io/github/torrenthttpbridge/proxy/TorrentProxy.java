package io.github.torrenthttpbridge.proxy;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.servlet.BridgeSettings;
import io.github.torrenthttpbridge.servlet.TorrentBridgeListener;
import io.github.torrenthttpbridge.servlet.TorrentFilter;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge in front of any HTTP server: embedded Jetty 12 whose only servlet is Jetty's reverse proxy to the
 * upstream, behind the same {@link TorrentFilter} and {@link TorrentBridgeListener} a servlet container would run.
 * So the upstream's files get {@code ?torrent}, {@code ?magnet}, {@code Link} headers and links in proxied HTML
 * pages; {@code /torrent-bridge/} is the status page and built-in tracker; the bridge fetches pieces (and probes
 * files, anonymously) from the upstream directly; directories get folder torrents from the upstream's directory
 * index (nginx {@code autoindex}, HTML or JSON, and Apache's {@code mod_autoindex}), and none where it has no index.
 * The {@code torrent-bridge.*} parameters are the filter's; {@code origin} defaults to the upstream and
 * {@code public-url} to this proxy's own address.
 */
public final class TorrentProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TorrentProxy.class);
    private final Server server;
    private final ServletContextHandler context;
    private final URI url;

    private TorrentProxy(Server server, ServletContextHandler context, URI url) {
        this.server = server;
        this.context = context;
        this.url = url;
    }

    /**
     * Starts the proxy on {@code host:port} (port 0: any free port).
     *
     * @param upstream the HTTP(S) server in front of which the bridge runs, e.g. {@code http://127.0.0.1:8081}
     * @param params   {@code torrent-bridge.*} parameters, as the filter's context parameters
     * @throws IllegalArgumentException for a bad upstream URL or parameter (the message names it)
     */
    public static TorrentProxy start(URI upstream, String host, int port, Map<String, String> params) throws Exception {
        return start(upstream, host, port, params, false);
    }

    /**
     * As {@link #start(URI, String, int, Map)}; with {@code trustForwarded} the visitor's address is taken from the
     * {@code X-Forwarded-For}/{@code Forwarded} header of a front server (a sidecar behind nginx or Apache), so the
     * built-in tracker lists and dials the announcing peer, not the front server. Only for a proxy that nothing but
     * the front server can reach (listening on 127.0.0.1, say): anyone else could name any address.
     */
    public static TorrentProxy start(URI upstream, String host, int port, Map<String, String> params, boolean trustForwarded)
            throws Exception {
        URI base = upstreamBase(upstream);
        // the filter's own checks, before anything starts: a bad parameter is one message naming it
        BridgeSettings.parse(params, Path.of(System.getProperty("java.io.tmpdir")), "parameter");
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        if (trustForwarded) {
            http.addCustomizer(new ForwardedRequestCustomizer());
        }
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        connector.open();   // the port is known before the bridge starts: it is the default public URL
        String self = "http://" + (host == null || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1"
                : host.contains(":") ? "[" + host + "]" : host) + ":" + connector.getLocalPort();
        Map<String, String> p = new LinkedHashMap<>(params);
        p.putIfAbsent("torrent-bridge.origin", base.toString());
        if (p.get("torrent-bridge.public-url") == null || p.get("torrent-bridge.public-url").isBlank()) {
            p.put("torrent-bridge.public-url", self);
            LOG.info("torrent-bridge.public-url is not set: torrents name {} for the built-in tracker and web seeds "
                    + "(set it to the address visitors use)", self);
        }
        ServletContextHandler ctx = new ServletContextHandler("/");
        p.forEach(ctx::setInitParameter);
        ctx.setAttribute(TorrentBridgeListener.LISTING, new UpstreamListing(base));
        ctx.setAttribute(TorrentFilter.ASYNC_AWARE, Boolean.TRUE);
        ctx.addEventListener(new TorrentBridgeListener());
        ctx.addFilter(new FilterHolder(new TorrentFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder proxy = new ServletHolder(new BridgedProxyServlet());
        proxy.setInitParameter("proxyTo", base.toString());
        proxy.setInitParameter("prefix", "/");
        proxy.setInitParameter("timeout", "0");   // no total limit: a large download takes as long as it takes
        proxy.setInitParameter("idleTimeout", "60000");
        proxy.setAsyncSupported(true);
        ctx.addServlet(proxy, "/*");
        server.setHandler(ctx);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        boolean disabled = "false".equals(p.get("torrent-bridge.enabled"));
        if (!ctx.isAvailable() || (!disabled && TorrentBridgeListener.bridgeOf(ctx.getServletContext()).isEmpty())) {
            server.stop();
            throw new IllegalStateException("the proxy's bridge did not start (see the log)");
        }
        LOG.info("proxy for {} listening on {}", base, self);
        return new TorrentProxy(server, ctx, URI.create(self + "/"));
    }

    static URI upstreamBase(URI upstream) {
        if (upstream == null || upstream.getHost() == null || !("http".equalsIgnoreCase(upstream.getScheme()) || "https".equalsIgnoreCase(upstream.getScheme()))
                || upstream.getRawQuery() != null || upstream.getRawFragment() != null) {
            throw new IllegalArgumentException("bad upstream URL '" + upstream + "': expected http(s)://HOST[:PORT][/PATH]");
        }
        String s = upstream.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }

    /** This proxy's address, ending with '/'. */
    public URI url() {
        return url;
    }

    /** The bridge seeding the upstream's files. */
    public TorrentBridge bridge() {
        return TorrentBridgeListener.bridgeOf(context.getServletContext())
                .orElseThrow(() -> new IllegalStateException("the bridge is not running (torrent-bridge.enabled=false?)"));
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** A site path with each segment percent-encoded. */
    static String encodePath(String path) {
        StringBuilder sb = new StringBuilder();
        String[] segs = path.split("/", -1);
        for (int i = 0; i < segs.length; i++) {
            if (i > 0) {
                sb.append('/');
            }
            sb.append(URLEncoder.encode(segs[i], StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return sb.toString();
    }
}
