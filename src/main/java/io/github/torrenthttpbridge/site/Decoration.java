package io.github.torrenthttpbridge.site;

import java.io.OutputStream;
import java.util.Locale;
import java.util.function.Function;

/**
 * What a front end adds to a response of the site that {@link SiteHandler} let through: the {@code Link} header of
 * a bridged file, and torrent links in an HTML page. The front end asks once the status, type and length are known
 * (when the body starts). A rewritten page loses its {@code Content-Length}, {@code ETag} and {@code Last-Modified}
 * and gets {@code Cache-Control: no-cache}: its links change as torrents become ready.
 */
public final class Decoration {
    /** The headers a rewritten page loses, whenever the site sets them: its bytes are no longer the site's. */
    public static final java.util.List<String> DROPPED_FROM_PAGES = java.util.List.of("ETag", "Last-Modified");
    /** The {@code Cache-Control} of a rewritten page. */
    public static final String PAGE_CACHE_CONTROL = "no-cache";

    private final String linkHeader;                 // null: not a bridged file
    private final long minSize;
    private final Function<String, String> snippets; // null: not a page that gets links

    Decoration(String linkHeader, long minSize, Function<String, String> snippets) {
        this.linkHeader = linkHeader;
        this.minSize = minSize;
        this.snippets = snippets;
    }

    /**
     * The {@code Link} header to add, or null: a bridged file's {@code 200} of at least {@code min-size} (or of
     * unknown length), or any {@code 206}.
     *
     * @param contentLength the length the site set, or -1
     */
    public String linkHeader(int status, long contentLength) {
        if (linkHeader == null || (status != 200 && status != 206)) {
            return null;
        }
        return status == 206 || contentLength < 0 || contentLength >= minSize ? linkHeader : null;
    }

    /**
     * Whether the body is rewritten with torrent links: a page that gets links, answered {@code 200} as
     * {@code text/html} in an ASCII-compatible charset (or none), not content-encoded.
     */
    public boolean rewrites(int status, String contentType, String charset, String contentEncoding) {
        return snippets != null && status == 200 && contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("text/html")
                && asciiCompatible(charset) && contentEncoding == null;
    }

    /** The stream that rewrites the page into {@code out} (when {@link #rewrites} said so). */
    public HtmlLinkInjector rewriter(OutputStream out) {
        return new HtmlLinkInjector(out, snippets);
    }

    /** Whether a rewritten page loses header {@code name} (any case). */
    public static boolean dropsFromPage(String name) {
        return DROPPED_FROM_PAGES.stream().anyMatch(name::equalsIgnoreCase);
    }

    private static boolean asciiCompatible(String charset) {
        if (charset == null) {
            return true;
        }
        String c = charset.toUpperCase(Locale.ROOT);
        return !c.startsWith("UTF-16") && !c.startsWith("UTF-32") && !c.startsWith("UTF-7");
    }
}
