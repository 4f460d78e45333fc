package io.github.torrenthttpbridge.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.torrenthttpbridge.torrent.InfoHash;

/**
 * The torrents an engine seeds, under every 20-byte hash peers may name each by (a hybrid's v1 and truncated v2
 * info hashes), and the MSE {@code req2} digest of each hash (an encrypted handshake names its torrent only by that).
 */
final class SeedRegistry {
    private final Map<InfoHash, SeedTorrent> torrents = new ConcurrentHashMap<>();
    private final Map<InfoHash, byte[]> byReq2 = new ConcurrentHashMap<>();

    /** Registers {@code t} under all its hashes, or none of them if one is taken already. */
    void add(SeedTorrent t) {
        for (int i = 0; i < t.swarmHashes.size(); i++) {
            if (torrents.putIfAbsent(t.swarmHashes.get(i), t) != null) {
                for (int j = 0; j < i; j++) {
                    torrents.remove(t.swarmHashes.get(j), t);
                }
                throw new IllegalStateException("already seeding " + t.swarmHashes.get(i));
            }
        }
        t.req2.forEach((r, h) -> byReq2.put(r, h.bytes()));
    }

    /** Unregisters the torrent known by {@code h} (any of its hashes): it, if this call removed it, else null. */
    SeedTorrent remove(InfoHash h) {
        SeedTorrent t = torrents.get(h);
        if (t == null) {
            return null;
        }
        boolean removed = false;
        for (InfoHash x : t.swarmHashes) {
            removed |= torrents.remove(x, t);
        }
        if (!removed) {
            return null;
        }
        t.req2.keySet().forEach(byReq2::remove);
        return t;
    }

    SeedTorrent get(InfoHash h) {
        return torrents.get(h);
    }

    SeedTorrent get(byte[] infoHash) {
        return torrents.get(InfoHash.of(infoHash));
    }

    /** The info hash whose MSE {@code req2} digest is {@code req2}, or null. */
    byte[] infoHashForReq2(byte[] req2) {
        return byReq2.get(InfoHash.of(req2));
    }

    List<InfoHash> hashes() {
        return List.copyOf(torrents.keySet());
    }
}
