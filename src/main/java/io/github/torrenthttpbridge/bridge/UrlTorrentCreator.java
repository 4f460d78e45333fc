package io.github.torrenthttpbridge.bridge;

import java.io.IOException;
import java.net.URI;

import io.github.torrenthttpbridge.origin.OriginClient;
import io.github.torrenthttpbridge.origin.OriginException;
import io.github.torrenthttpbridge.origin.OriginStream;
import io.github.torrenthttpbridge.torrent.ProgressListener;
import io.github.torrenthttpbridge.torrent.TorrentCreator;

/** Makes a torrent for a URL by streaming it once (a plain GET, no content coding) through the piece hasher. */
public final class UrlTorrentCreator {
    private UrlTorrentCreator() {
    }

    public static CreatedTorrent create(OriginClient client, URI url, TorrentCreator.Options options,
                                        ProgressListener listener) {
        try (OriginStream stream = client.open(url)) {
            long length = stream.resource().length();
            if (length == 0) {
                throw new OriginException(url, "the file is empty; there is nothing to share", false);
            }
            var torrent = TorrentCreator.create(stream.body(), length, TorrentCreator.nameFromUrl(url), options, listener);
            return new CreatedTorrent(torrent, stream.resource());
        } catch (IOException e) {
            throw new OriginException(url, "reading the file failed: " + e.getMessage(), true, e);
        }
    }
}
