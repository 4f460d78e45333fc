package io.github.torrenthttpbridge.site;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The torrent links a page gets after its link to a bridged file or to a directory of the site: {@link
 * SiteLinks#html}, with the magnet URI itself as soon as the info hash is known. Starts preparing the torrent of a
 * file a page links to, once the origin is known, so it is likely ready when someone asks.
 */
final class PageLinks {
    private static final Set<String> PAGE_EXTENSIONS = Set.of(
            "html", "htm", "xhtml", "php", "jsp", "jspx", "asp", "aspx", "cgi", "css", "js", "json", "xml", "txt", "torrent");

    private final SiteRules site;
    private final BooleanSupplier originKnown;

    PageLinks(SiteRules site, BooleanSupplier originKnown) {
        this.site = site;
        this.originKnown = originKnown;
    }

    /** The links added after a page's link to {@code href}, or null if it does not point to a bridged file. */
    String snippet(String contextPath, String pagePath, String href) {
        Optional<String> target = SiteLinks.resolve(contextPath, pagePath, href);
        if (target.isEmpty() || !(target.get().endsWith("/") || site.policy().allows(target.get()))) {
            return null;
        }
        String file = target.get();
        int dot = file.lastIndexOf('.');
        if (file.endsWith("/")) {
            // a link to a directory of the site (not to the page's own directory or one above it): its torrent
            if (!site.policy().allowsDirectory(file) || pagePath.startsWith(file) || !site.isDirectory(file)) {
                return null;
            }
        } else if (dot < file.lastIndexOf('/') || dot < 0 || PAGE_EXTENSIONS.contains(file.substring(dot + 1).toLowerCase(Locale.ROOT))) {
            return null;
        }
        if (site.torrents().knownNotPublic(file)) {
            return null;   // its probe said the public cannot fetch it (a front proxy's rule, authentication)
        }
        Optional<String> magnet = site.torrents().knownMagnet(file);
        if (magnet.isEmpty() && originKnown.getAsBoolean()) {
            site.torrents().prepare(file);
        }
        return " " + SiteLinks.html(contextPath, file, magnet);
    }
}
