package io.github.torrenthttpbridge.site;

import java.net.InetAddress;

/**
 * A request to the site as {@link SiteHandler} sees it: what a front end (the servlet filter, or any other HTTP
 * server) translates its own request into. Nothing here is buffered or parsed ahead: each method is asked when the
 * handler needs it.
 */
public interface SiteRequest {
    /** {@code GET}, {@code HEAD}, ... */
    String method();

    /** The path within the site (after the context path), decoded and normalized; {@code /} at least. */
    String path();

    /** The context path the site is mounted at: empty for the root, else starting with '/' and not ending with it. */
    String contextPath();

    /** The raw query string (without '?'), or null. */
    String query();

    /** The first value of a request header, or null. */
    String header(String name);

    /** A query parameter, decoded as the front end decodes forms; null when absent. */
    String parameter(String name);

    /**
     * The client's address: through a trusted proxy, the one it forwarded; otherwise the connection's peer. Asked
     * for by the built-in tracker only.
     */
    InetAddress client();

    /** The local address the request arrived on (for the built-in tracker). */
    InetAddress local();
}
