package io.github.torrenthttpbridge.site;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The site's links to a torrent, in one place: the {@code F?torrent} and {@code F?magnet} URLs, the {@code Link}
 * header of a bridged file, the {@code [torrent | magnet]} markup added to pages (and given to pages that place links
 * themselves), a {@code .torrent} download's {@code Content-Disposition}, and how a page's {@code href} resolves to a
 * path of the site.
 */
public final class SiteLinks {
    /** The media type of a {@code .torrent}. */
    public static final String TORRENT_TYPE = "application/x-bittorrent";

    private SiteLinks() {
    }

    /** URL of the file's {@code .torrent}, relative to the server root ({@code contextPath} + encoded path). */
    public static String torrentUrl(String contextPath, String path) {
        return encodePath(contextPath + path) + "?torrent";
    }

    /** The magnet link when it is known, otherwise the URL that answers with it. */
    public static String magnetUrl(String contextPath, String path, Optional<String> magnet) {
        return magnet.orElseGet(() -> encodePath(contextPath + path) + "?magnet");
    }

    /** The {@code [torrent | magnet]} links of a file or directory, HTML-escaped. */
    public static String html(String contextPath, String path, Optional<String> magnet) {
        return "<span class=\"torrent-links\">[<a class=\"torrent-link\" type=\"" + TORRENT_TYPE + "\" href=\""
                + Json.html(torrentUrl(contextPath, path)) + "\">torrent</a> | <a class=\"magnet-link\" href=\""
                + Json.html(magnetUrl(contextPath, path, magnet)) + "\">magnet</a>]</span>";
    }

    /** The value of a bridged file's {@code Link} header: its torrent, {@code rel="describedby"}. */
    static String linkHeader(String contextPath, String path) {
        return "<" + torrentUrl(contextPath, path) + ">; rel=\"describedby\"; type=\"" + TORRENT_TYPE + "\"";
    }

    /** {@code attachment} with an ASCII {@code filename} and the exact UTF-8 {@code filename*} (RFC 6266). */
    static String disposition(String filename) {
        StringBuilder ascii = new StringBuilder();
        for (char c : filename.toCharArray()) {
            ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ';' ? c : '_');
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''"
                + URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code path} with each segment percent-encoded. */
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
}
