package io.github.torrenthttpbridge.servlet;

import java.util.Optional;

import io.github.torrenthttpbridge.site.SiteLinks;
import jakarta.servlet.http.HttpServletRequest;

/**
 * For pages that place torrent links themselves (no JSP or EL needed): call from any servlet or template. The links
 * are the ones the filter adds to pages ({@link SiteLinks}).
 *
 * <pre>{@code out.print(TorrentLinks.html(request, "/files/big.iso")); }</pre>
 */
public final class TorrentLinks {
    private TorrentLinks() {
    }

    /** URL of the file's {@code .torrent} (relative to the server root). */
    public static String torrentUrl(HttpServletRequest request, String path) {
        return SiteLinks.torrentUrl(request.getContextPath(), path);
    }

    /** The magnet link if the torrent is ready, otherwise the URL that answers with it. */
    public static String magnetUrl(HttpServletRequest request, String path) {
        return SiteLinks.magnetUrl(request.getContextPath(), path, knownMagnet(request, path));
    }

    /** An HTML fragment with both links, escaped: {@code [torrent | magnet]}. */
    public static String html(HttpServletRequest request, String path) {
        return SiteLinks.html(request.getContextPath(), path, knownMagnet(request, path));
    }

    private static Optional<String> knownMagnet(HttpServletRequest request, String path) {
        BridgeContext b = BridgeContext.of(request.getServletContext());
        return b == null ? Optional.empty() : b.site.knownMagnet(path);
    }
}
