package io.github.torrenthttpbridge.servlet;

import io.github.torrenthttpbridge.site.Json;
import io.github.torrenthttpbridge.site.Units;
import io.github.torrenthttpbridge.site.ProgressPage;
import io.github.torrenthttpbridge.site.HtmlLinkInjector;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import io.github.torrenthttpbridge.origin.OriginClient;
import io.github.torrenthttpbridge.site.TorrentStatus;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Gives every file the site serves publicly a {@code .torrent} ({@code F?torrent}, or {@code F.torrent} where
 * no such file exists), a magnet link ({@code F?magnet}: the text for scripts, a {@code 303} to the magnet URI or
 * a self-refreshing progress page for browsers), a {@code Link} header, and torrent links on the
 * pages that link to it; serves the status page. A thin adapter over {@code SiteTorrents} and the bridge, set
 * up by {@link TorrentBridgeListener}.
 */
public class TorrentFilter implements Filter {
    static final String TORRENT_TYPE = "application/x-bittorrent";
    private static final java.util.Set<String> PAGE_EXTENSIONS = java.util.Set.of(
            "html", "htm", "xhtml", "php", "jsp", "jspx", "asp", "aspx", "cgi", "css", "js", "json", "xml", "txt", "torrent");

    /**
     * Context attribute (a {@code Boolean}) an embedder sets when its servlet answers asynchronously and calls
     * {@link #beforeComplete} before {@code AsyncContext.complete()} (the proxy does): the filter then takes its
     * decisions (the {@code Link} header, links in HTML pages) when the servlet has written the response, not when
     * {@code doFilter} returns. Without it an asynchronous answer gets the {@code Link} header and no page links.
     */
    public static final String ASYNC_AWARE = "torrent-bridge.async-aware";
    private static final String PENDING = TorrentFilter.class.getName() + ".pending";

    private jakarta.servlet.ServletContext context;

    @Override
    public void init(FilterConfig config) {
        this.context = config.getServletContext();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        BridgeContext b = BridgeContext.of(context);
        if (b == null || !(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || request.getHeader(OriginClient.BRIDGE_HEADER) != null) {
            chain.doFilter(req, res);  // disabled, or the bridge's own request: untouched
            return;
        }
        learnOrigin(b, request);
        String path = pathOf(request);
        if (b.settings.tracker() && path.equals(b.settings.statusPath() + "announce")) {
            // the client's own address: through a trusted proxy, the one it forwarded; otherwise the connection's peer
            java.net.InetAddress client = b.settings.trustedProxies().client(addr(request.getRemoteAddr()),
                    request.getHeaders("Forwarded"), request.getHeaders("X-Forwarded-For"));
            tracker(response, b.tracker.announce(request.getQueryString(), client, addr(request.getLocalAddr())));
            return;
        }
        if (b.settings.tracker() && path.equals(b.settings.statusPath() + "scrape")) {
            tracker(response, b.tracker.scrape(request.getQueryString()));
            return;
        }
        if (path.startsWith(b.settings.statusPath()) || (path + "/").equals(b.settings.statusPath())) {
            StatusPage.render(b, request, response);
            return;
        }
        String query = request.getQueryString();
        if (("torrent".equals(query) || "magnet".equals(query)) && isGetOrHead(request)) {
            if (!path.endsWith("/") && b.settings.pathPolicy().allowsDirectory(path + "/")
                    && b.isDirectory(path + "/")) {
                // D?torrent for a directory D: its torrent is D/?torrent (relative links in it resolve below D/)
                response.setStatus(301);
                response.setHeader("Location", encodePath(request.getContextPath() + path + "/") + "?" + query);
                return;
            }
            endpoint(b, path, "magnet".equals(query), request, response);
            return;
        }
        if (query == null && path.endsWith(".torrent") && isGetOrHead(request) && !b.hasFile(path)
                && b.settings.pathPolicy().allows(path.substring(0, path.length() - ".torrent".length()))) {
            endpoint(b, path.substring(0, path.length() - ".torrent".length()), false, request, response);
            return;
        }
        String link = null;
        if (b.settings.pathPolicy().allows(path) && isGetOrHead(request)) {
            if (request.getHeader("Range") != null) {
                b.site.countWebseedRequest(path);
            }
            link = "<" + encodePath(request.getContextPath() + path) + "?torrent>; rel=\"describedby\"; type=\"" + TORRENT_TYPE + "\"";
        }
        java.util.function.Function<String, String> injector = b.settings.pathPolicy().injectsInto(path)
                ? href -> snippet(b, request, path, href) : null;
        if (link == null && injector == null) {
            chain.doFilter(req, res);
            return;
        }
        BridgeResponse wrapped = new BridgeResponse(response, link, b.settings.minSize(), injector);
        chain.doFilter(request, wrapped);
        if (request.isAsyncStarted() && Boolean.TRUE.equals(context.getAttribute(ASYNC_AWARE))) {
            request.setAttribute(PENDING, wrapped);   // the servlet calls beforeComplete when it has written
        } else {
            wrapped.finish();
        }
    }

    /**
     * For an asynchronous servlet behind this filter (see {@link #ASYNC_AWARE}): call it when the response is
     * written, before {@code AsyncContext.complete()}, so a rewritten page's last bytes go out. Does nothing for a
     * request the filter did not wrap.
     */
    public static void beforeComplete(ServletRequest request) throws IOException {
        if (request.getAttribute(PENDING) instanceof BridgeResponse r) {
            request.removeAttribute(PENDING);
            r.finish();
        }
    }

    private static void tracker(HttpServletResponse response, byte[] body) throws IOException {
        response.setContentType("text/plain");
        response.setHeader("Cache-Control", "no-cache");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static java.net.InetAddress addr(String literal) {
        try {
            return java.net.InetAddress.getByName(literal);  // an IP literal from the container: no lookup
        } catch (java.net.UnknownHostException e) {
            return java.net.InetAddress.getLoopbackAddress();
        }
    }

    private static boolean isGetOrHead(HttpServletRequest r) {
        return "GET".equals(r.getMethod()) || "HEAD".equals(r.getMethod());
    }

    /** The request's path within the context, decoded and normalized by the container. */
    static String pathOf(HttpServletRequest r) {
        String p = (r.getServletPath() == null ? "" : r.getServletPath()) + (r.getPathInfo() == null ? "" : r.getPathInfo());
        return p.isEmpty() ? "/" : p;
    }

    /** Without a configured origin, the bridge fetches from the connector that took the request (never from Host). */
    private static void learnOrigin(BridgeContext b, HttpServletRequest r) {
        if (b.origin.get() == null) {
            String addr = r.getLocalAddr();
            if (addr == null || addr.isEmpty() || addr.equals("0.0.0.0") || addr.equals("::") || addr.equals("0:0:0:0:0:0:0:0")) {
                addr = "127.0.0.1";
            }
            String host = addr.contains(":") ? "[" + addr + "]" : addr;
            URI u = URI.create((r.isSecure() ? "https" : "http") + "://" + host + ":" + r.getLocalPort() + r.getContextPath());
            if (b.origin.compareAndSet(null, u)) {
                context(r).log("torrent-http-bridge: fetching this site's files from " + u + " (set torrent-bridge.origin to change)");
                TorrentBridgeListener.restoreInBackground(b.site);
            }
        }
    }

    private static jakarta.servlet.ServletContext context(HttpServletRequest r) {
        return r.getServletContext();
    }

    private void endpoint(BridgeContext b, String path, boolean magnet, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        response.setHeader("Cache-Control", "no-cache");
        boolean directory = path.endsWith("/");
        if (directory ? !b.settings.pathPolicy().allowsDirectory(path) || !b.isDirectory(path) : !b.settings.pathPolicy().allows(path)) {
            response.sendError(404, "not bridged");
            return;
        }
        TorrentStatus s = b.site.await(path, b.settings.maxWait());
        boolean browser = magnet && wantsHtml(request);
        if (directory && s.reason() != null && (s.state() == TorrentStatus.State.READY || s.state() == TorrentStatus.State.HASHING)) {
            response.setHeader("X-Torrent-Bridge-Left-Out", ascii(s.reason()));  // files of D the rules left out
        }
        switch (s.state()) {
            case READY -> {
                TorrentMetadata t = s.torrent();
                if (browser) {
                    // a person clicked F?magnet: send the browser on to the magnet URI, which opens their client
                    response.setStatus(303);
                    response.setHeader("Location", t.magnetLink());
                    response.setContentType("text/html;charset=UTF-8");
                    response.getWriter().write("<!DOCTYPE html><title>magnet link</title><p><a href=\"" + Json.html(t.magnetLink())
                            + "\">Open " + Json.html(t.name()) + " in your BitTorrent client</a></p>");
                } else if (magnet) {
                    response.setContentType("text/plain;charset=UTF-8");
                    response.getWriter().write(t.magnetLink());
                } else {
                    byte[] bytes = t.encoded();
                    response.setContentType(TORRENT_TYPE);
                    response.setHeader("Content-Disposition", disposition(t.name() + ".torrent"));
                    response.setContentLength(bytes.length);
                    if (!"HEAD".equals(request.getMethod())) {
                        response.getOutputStream().write(bytes);
                    }
                }
            }
            case HASHING -> {
                response.setStatus(202);
                response.setHeader("Retry-After", "2");
                var p = s.progress();
                double percent = p == null ? 0 : p.percent();
                if (browser) {
                    response.setContentType("text/html;charset=UTF-8");
                    response.getWriter().write(ProgressPage.html(path, p));
                    return;
                }
                response.setContentType("application/json;charset=UTF-8");
                response.getWriter().write("{\"state\":\"hashing\",\"path\":" + Json.str(path)
                        + ",\"percent\":" + String.format(Locale.ROOT, "%.1f", percent)
                        + ",\"bytesDone\":" + (p == null ? 0 : p.bytesDone())
                        + ",\"bytesTotal\":" + (p == null ? 0 : p.bytesTotal()) + "}");
            }
            case BUSY, FAILED -> {
                response.setHeader("Retry-After", "30");
                response.sendError(503, s.reason());
            }
            default -> response.sendError(404, directory ? "not bridged: " + s.reason() : "not bridged");
        }
    }

    /** {@code s} with every character outside printable ASCII replaced, for a header value. */
    private static String ascii(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.length() > 1000 ? sb.substring(0, 1000) + "..." : sb.toString();
    }

    /** Whether the client is a browser following a link (its Accept names text/html), not a script. */
    static boolean wantsHtml(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    }

    static String disposition(String filename) {
        StringBuilder ascii = new StringBuilder();
        for (char c : filename.toCharArray()) {
            ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ';' ? c : '_');
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''"
                + URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String encodePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (String seg : path.split("/", -1)) {
            if (sb.length() > 0 || path.startsWith("/")) {
                sb.append('/');
            }
            sb.append(URLEncoder.encode(seg, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        String s = sb.toString();
        return s.startsWith("//") ? s.substring(1) : s;
    }

    /** The links added after a page's link to {@code href}, or null if it does not point to a bridged file. */
    private static String snippet(BridgeContext b, HttpServletRequest request, String pagePath, String href) {
        Optional<String> target = resolve(request.getContextPath(), pagePath, href);
        if (target.isEmpty() || !(target.get().endsWith("/") || b.settings.pathPolicy().allows(target.get()))) {
            return null;
        }
        String file = target.get();
        int dot = file.lastIndexOf('.');
        if (file.endsWith("/")) {
            // a link to a directory of the site (not to the page's own directory or one above it): its torrent
            if (!b.settings.pathPolicy().allowsDirectory(file) || pagePath.startsWith(file) || !b.isDirectory(file)) {
                return null;
            }
        } else if (dot < file.lastIndexOf('/') || dot < 0 || PAGE_EXTENSIONS.contains(file.substring(dot + 1).toLowerCase(Locale.ROOT))) {
            return null;
        }
        if (b.site.knownNotPublic(file)) {
            return null;   // its probe said the public cannot fetch it (a front proxy's rule, authentication)
        }
        String base = Json.html(encodePath(request.getContextPath() + file));
        String magnet = b.site.knownMagnet(file).orElse(null);
        if (magnet == null && b.origin.get() != null) {
            b.site.prepare(file);
        }
        return " <span class=\"torrent-links\">[<a class=\"torrent-link\" type=\"" + TORRENT_TYPE + "\" href=\"" + base
                + "?torrent\">torrent</a> | <a class=\"magnet-link\" href=\"" + (magnet != null ? Json.html(magnet) : base + "?magnet")
                + "\">magnet</a>]</span>";
    }

    /** Resolves a page's href to a path in this context; empty for other hosts, queries, or other contexts. */
    static Optional<String> resolve(String contextPath, String pagePath, String href) {
        if (href == null || href.isEmpty() || href.startsWith("#") || href.contains("?")) {
            return Optional.empty();
        }
        int hash = href.indexOf('#');
        if (hash >= 0) {
            href = href.substring(0, hash);
        }
        URI u;
        try {
            u = URI.create("http://site" + contextPath + pagePath).resolve(href);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!"site".equals(u.getHost()) || u.getPort() != -1 || !"http".equals(u.getScheme())) {
            return Optional.empty();
        }
        String raw = u.normalize().getRawPath();
        if (raw == null || !raw.startsWith(contextPath + "/") || raw.contains("/../")) {
            return Optional.empty();
        }
        String decoded = URLDecoder.decode(raw.substring(contextPath.length()).replace("+", "%2B"), StandardCharsets.UTF_8);
        return decoded.contains("/../") || decoded.contains("\\") ? Optional.empty() : Optional.of(decoded);
    }

    @Override
    public void destroy() {
        // the listener owns the bridge
    }
}
