package io.github.torrenthttpbridge.site;

import java.time.Duration;
import java.util.Optional;

/** What {@link SiteHandler} asks of the site's torrents ({@link SiteTorrents}; a fake in unit tests). */
interface SiteView {
    /** Where {@code path} stands, waiting up to {@code wait} for a torrent being hashed. */
    TorrentStatus await(String path, Duration wait);

    /** Counts a byte-range request of a bridged file (a web seed, or a browser resuming). */
    void countWebseedRequest(String path);

    /** Whether the site said lately that the public cannot fetch {@code path}. */
    boolean knownNotPublic(String path);

    /** The magnet link of {@code path}, when its info hash is known. */
    Optional<String> knownMagnet(String path);

    /** Starts finding out (in the background) what {@code path}'s torrent is. */
    void prepare(String path);
}
