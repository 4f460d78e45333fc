package io.github.torrenthttpbridge.site;

import java.net.URI;
import java.util.List;

/**
 * Where a site is, read afresh every time a torrent or magnet is made: nothing of it is stored with a torrent,
 * so a site that moves (another port, host name, public URL or tracker list) serves current URLs at once.
 */
public interface SiteAddress {
    /**
     * The base URL (scheme, host, port, context path) the bridge fetches the site's files from.
     *
     * @throws IllegalStateException while it is not known yet (it may be learned from the first request)
     */
    URI origin();

    /** The base URL clients reach the site at, for web seeds; the origin unless configured otherwise. */
    default URI publicUrl() {
        return origin();
    }

    /** Announce URLs for torrents and magnets, in order (the built-in tracker first, if any). */
    List<String> trackers();

    /** A fixed address: the same origin and public URL, and these trackers. */
    static SiteAddress of(URI origin, List<String> trackers) {
        List<String> copy = List.copyOf(trackers);
        return new SiteAddress() {
            @Override
            public URI origin() {
                return origin;
            }

            @Override
            public List<String> trackers() {
                return copy;
            }
        };
    }
}
