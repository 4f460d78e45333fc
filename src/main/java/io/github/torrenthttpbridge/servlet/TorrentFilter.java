package io.github.torrenthttpbridge.servlet;

import java.io.IOException;
import java.net.URI;

import io.github.torrenthttpbridge.site.Decoration;
import io.github.torrenthttpbridge.site.SiteHandler;
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
 * pages that link to it; serves the status page. The servlet front end of {@link SiteHandler}, which holds those
 * rules: this filter only translates the servlet API to the handler's request and response, learns the origin from
 * the first request's connector, and wraps the responses the site answers itself ({@link BridgeResponse}). Set up
 * by {@link TorrentBridgeListener}.
 */
public class TorrentFilter implements Filter {
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
        if (b == null || !(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);  // disabled
            return;
        }
        learnOrigin(b, request);
        ServletSiteRequest siteRequest = new ServletSiteRequest(request, b.settings.trustedProxies());
        if (b.handler.handle(siteRequest, new ServletSiteResponse(response, "HEAD".equals(request.getMethod())))) {
            return;
        }
        Decoration decoration = b.handler.decoration(siteRequest);
        if (decoration == null) {
            chain.doFilter(req, res);
            return;
        }
        BridgeResponse wrapped = new BridgeResponse(response, decoration);
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
                r.getServletContext().log("torrent-http-bridge: fetching this site's files from " + u
                        + " (set torrent-bridge.origin to change)");
                TorrentBridgeListener.restoreInBackground(b.site);
            }
        }
    }

    @Override
    public void destroy() {
        // the listener owns the bridge
    }
}
