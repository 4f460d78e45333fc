/**
 * Torrents for a web site's files and the site's HTTP contract, free of the Servlet API: which paths are bridged,
 * hashing them into torrents kept in the metadata directory, seeding them through the bridge, and answering torrent,
 * magnet, status-page and tracker requests ({@link io.github.torrenthttpbridge.site.SiteHandler}).
 */
package io.github.torrenthttpbridge.site;
