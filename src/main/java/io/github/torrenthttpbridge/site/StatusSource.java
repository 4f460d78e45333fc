package io.github.torrenthttpbridge.site;

import java.net.URI;

import io.github.torrenthttpbridge.bridge.SeedStats;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.torrent.InfoHash;

/** What the status page shows: the site's torrents, the bridge, and figures its front end holds. */
public interface StatusSource {
    SiteTorrents torrents();

    TorrentBridge bridge();

    /** The bridge's transfer figures added up; a front end may take them at most once a second. */
    SeedStats totals();

    /** Whether the DHT is on. */
    boolean dht();

    /** The origin, or null until it is known. */
    URI origin();

    /** Live instances sharing the metadata directory. */
    int instances();

    /** Peers the built-in tracker lists for a torrent. */
    int trackerPeers(InfoHash torrent);

    /** Peers the built-in tracker lists, all torrents. */
    long trackerPeers();
}
