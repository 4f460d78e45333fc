package io.github.torrenthttpbridge.servlet;

import io.github.torrenthttpbridge.site.Json;
import io.github.torrenthttpbridge.site.Units;
import io.github.torrenthttpbridge.site.ProgressPage;
import io.github.torrenthttpbridge.site.HtmlLinkInjector;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

/**
 * For pages that place torrent links themselves (no JSP or EL needed): call from any servlet or template.
 *
 * <pre>{@code out.print(TorrentLinks.html(request, "/files/big.iso")); }</pre>
 */
public final class TorrentLinks {
    private TorrentLinks() {
    }

    /** URL of the file's {@code .torrent} (relative to the server root). */
    public static String torrentUrl(HttpServletRequest request, String path) {
        return TorrentFilter.encodePath(request.getContextPath() + path) + "?torrent";
    }

    /** The magnet link if the torrent is ready, otherwise the URL that answers with it. */
    public static String magnetUrl(HttpServletRequest request, String path) {
        BridgeContext b = BridgeContext.of(request.getServletContext());
        Optional<String> magnet = b == null ? Optional.empty() : b.site.knownMagnet(path);
        return magnet.orElse(TorrentFilter.encodePath(request.getContextPath() + path) + "?magnet");
    }

    /** An HTML fragment with both links, escaped. */
    public static String html(HttpServletRequest request, String path) {
        return "<span class=\"torrent-links\"><a class=\"torrent-link\" type=\"" + TorrentFilter.TORRENT_TYPE + "\" href=\""
                + Json.html(torrentUrl(request, path)) + "\">torrent</a> <a class=\"magnet-link\" href=\""
                + Json.html(magnetUrl(request, path)) + "\">magnet</a></span>";
    }
}
