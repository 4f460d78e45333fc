package io.github.torrenthttpbridge.site;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.torrenthttpbridge.torrent.InfoHash;

/**
 * The torrents the metadata directory holds, by path and by info hash, without their files having been probed:
 * enough for magnet links on the first page view after a restart, and for the built-in tracker to answer for a
 * torrent another instance sharing the directory stored. {@link #adoptNew} takes in entries stored since the last
 * look (by another instance of a cluster).
 *
 * <p>Locking: concurrent maps; an entry is added to both maps without a common lock, so a reader may briefly find it
 * by path and not yet by info hash (or the reverse), which only delays a tracker answer or a magnet link.
 */
final class KnownTorrents {
    /**
     * A stored torrent (enough for a magnet link): {@code hasV1} whether it has v1 hashes, {@code v2} its 32-byte v2
     * info hash or null.
     */
    record Known(String key, InfoHash infoHash, String name, long length, boolean hasV1, byte[] v2) {
    }

    /** A stored entry's magnet facts; its info was read and checked when it was stored (or it would not load). */
    static Known of(MetadataStore.Entry e) {
        if (!contains(e.info(), META_VERSION)) {
            // no "meta version" key anywhere: a v1 torrent (most are), known without decoding its info at start-up
            return new Known(e.key(), e.infoHash(), e.name(), e.length(), true, null);
        }
        java.util.Map<String, Object> info = io.github.torrenthttpbridge.torrent.Bencode.decodeDictionary(e.info()).dictionary();
        byte[] v2 = null;
        if (info.containsKey("meta version")) {
            try {
                v2 = java.security.MessageDigest.getInstance("SHA-256").digest(e.info());
            } catch (java.security.NoSuchAlgorithmException x) {
                throw new IllegalStateException(x);
            }
        }
        return new Known(e.key(), e.infoHash(), e.name(), e.length(), info.containsKey("pieces"), v2);
    }

    private static final byte[] META_VERSION = "12:meta versioni".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static boolean contains(byte[] b, byte[] what) {
        for (int i = 0; i + what.length <= b.length; i++) {
            if (java.util.Arrays.equals(b, i, i + what.length, what, 0, what.length)) {
                return true;
            }
        }
        return false;
    }

    private final Map<String, Known> byPath = new ConcurrentHashMap<>();
    private final Map<InfoHash, String> pathByHash = new ConcurrentHashMap<>();
    private final Set<String> seenKeys = ConcurrentHashMap.newKeySet();

    void add(MetadataStore.Entry e) {
        byPath.put(e.path(), of(e));
        pathByHash.put(e.infoHash(), e.path());
        seenKeys.add(e.key());
    }

    Optional<Known> byPath(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    Optional<String> pathOf(InfoHash h) {
        return Optional.ofNullable(pathByHash.get(h));
    }

    /** A copy of every path and its stored torrent. */
    List<Map.Entry<String, Known>> all() {
        return List.copyOf(byPath.entrySet());
    }

    void remove(String path, Known k) {
        byPath.remove(path, k);
        pathByHash.remove(k.infoHash(), path);
    }

    int size() {
        return byPath.size();
    }

    /**
     * Entries stored since this index last saw the directory (their keys listed, only new ones read), now known.
     * One directory listing; an unreadable entry is left for the next look.
     */
    List<MetadataStore.Entry> adoptNew(MetadataStore store) {
        List<MetadataStore.Entry> out = new ArrayList<>();
        for (String key : store.storedKeys()) {
            if (!seenKeys.contains(key)) {
                store.load(key).ifPresent(e -> {
                    add(e);
                    out.add(e);
                });
            }
        }
        return out;
    }
}
