package io.github.torrenthttpbridge.site;

import java.time.Instant;
import java.util.Optional;

import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.torrent.HashProgress;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/**
 * Where one of the site's files stands.
 *
 * @param path     the file's path within the site (decoded, starting with '/')
 * @param state    see {@link State}
 * @param torrent  the torrent when READY, with the current trackers and web seed
 * @param handle   the bridge's seed handle when READY
 * @param progress hashing progress when HASHING
 * @param reason   why, when NOT_BRIDGED, FAILED or BUSY
 * @param since    when READY: when this run started seeding it
 */
public record TorrentStatus(String path, State state, TorrentMetadata torrent, SeedHandle handle,
                            HashProgress progress, String reason, Instant since) {
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
        return new TorrentStatus(path, State.NOT_BRIDGED, null, null, null, reason, null);
    }

    static TorrentStatus hashing(String path, HashProgress progress) {
        return new TorrentStatus(path, State.HASHING, null, null, progress, null, null);
    }

    static TorrentStatus ready(String path, TorrentMetadata torrent, SeedHandle handle, Instant since) {
        return new TorrentStatus(path, State.READY, torrent, handle, null, null, since);
    }

    public Optional<TorrentMetadata> torrentIfReady() {
        return state == State.READY ? Optional.of(torrent) : Optional.empty();
    }
}
