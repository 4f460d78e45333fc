package io.github.torrenthttpbridge.bridge;

import io.github.torrenthttpbridge.origin.OriginResource;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/** A torrent made by streaming a URL, with the origin's validators at the time it was hashed. */
public record CreatedTorrent(TorrentMetadata torrent, OriginResource origin) {
}
