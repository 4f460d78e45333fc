package io.github.torrenthttpbridge.site;

import java.util.Optional;

import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.torrent.HashProgress;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/**
 * Where one of the site's files stands.
 *
 * @param path     the file's path within the site (decoded, starting with '/')
 * @param state    see {@link State}
 * @param torrent  the torrent when READY
 * @param handle   the bridge's seed handle when READY
 * @param progress hashing progress when HASHING
 * @param reason   why, when NOT_BRIDGED or FAILED
 */
public record TorrentStatus(String path, State state, TorrentMetadata torrent, SeedHandle handle,
                            HashProgress progress, String reason) {
    public enum State {
        /** Being hashed in the background. */
        HASHING,
        /** Torrent available and seeded (its seed may still turn stale; see the handle). */
        READY,
        /** Hashing or registering failed; a later request tries again. */
        FAILED,
        /** Not something the bridge serves (not public, too small, excluded, missing...). */
        NOT_BRIDGED,
        /** Too many hashing jobs queued; try again later. */
        BUSY
    }

    static TorrentStatus notBridged(String path, String reason) {
        return new TorrentStatus(path, State.NOT_BRIDGED, null, null, null, reason);
    }

    public Optional<TorrentMetadata> torrentIfReady() {
        return state == State.READY ? Optional.of(torrent) : Optional.empty();
    }
}
