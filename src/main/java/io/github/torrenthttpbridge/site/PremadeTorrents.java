package io.github.torrenthttpbridge.site;

import java.net.URI;
import java.util.Optional;

import io.github.torrenthttpbridge.origin.OriginClient;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a pre-made {@code F.torrent} the site serves beside {@code F}, and accepts it only if its name and length
 * match the file (otherwise it is logged and {@code F} is hashed). Only its {@code info} is used: trackers and
 * web seeds come from the current configuration, like those of every other torrent. Stateless.
 */
final class PremadeTorrents {
    private static final Logger LOG = LoggerFactory.getLogger(PremadeTorrents.class);
    static final int MAX_BYTES = 8 * 1024 * 1024;

    private final OriginClient client;

    PremadeTorrents(OriginClient client) {
        this.client = client;
    }

    Optional<TorrentMetadata> find(URI fileUrl, String path, long length) {
        Optional<byte[]> bytes = client.getSmall(URI.create(fileUrl + ".torrent"), MAX_BYTES);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        try {
            TorrentMetadata t = TorrentMetadata.parse(bytes.get());
            if (t.isMultiFile() || !t.name().equals(name) || t.length() != length) {
                LOG.warn("pre-made {}.torrent does not match the file (name '{}' vs '{}', length {} vs {}); hashing instead",
                        path, t.name(), name, t.length(), length);
                return Optional.empty();
            }
            LOG.info("using pre-made {}.torrent ({})", path, t.infoHash());
            return Optional.of(t);
        } catch (RuntimeException e) {
            LOG.warn("pre-made {}.torrent is unusable ({}); hashing instead", path, e.getMessage());
            return Optional.empty();
        }
    }
}
