package io.github.torrenthttpbridge.site;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.torrenthttpbridge.bridge.SeedHandle;

/**
 * The site's torrents that are registered with the bridge: one per key (file version), and which key is current
 * for each path.
 *
 * <p>Locking: every method is synchronized on this object and does only map work under it (no I/O, no calls
 * into the bridge), so the two maps always agree: a path's current key is always registered, and
 * {@link #publish} reports the entry it displaced so the caller can stop seeding it outside the lock.
 */
final class SeededTorrents {
    /** A registered torrent. */
    record Seeded(String path, MetadataStore.Entry entry, SeedHandle handle, Instant since) {
        String key() {
            return entry.key();
        }
    }

    private final Map<String, Seeded> byKey = new HashMap<>();
    private final Map<String, String> currentKey = new HashMap<>();

    /**
     * Makes {@code s} the current torrent of its path. Returns the torrent it replaces for that path (another
     * key), which is no longer listed; empty if there was none or it had the same key.
     */
    synchronized Optional<Seeded> publish(Seeded s) {
        Seeded same = byKey.get(s.key());
        if (same != null && same.handle() == s.handle()) {
            s = same;  // registered twice at once: keep the first (its age)
        }
        byKey.put(s.key(), s);
        String previous = currentKey.put(s.path(), s.key());
        if (previous == null || previous.equals(s.key())) {
            return Optional.empty();
        }
        return Optional.ofNullable(byKey.remove(previous));
    }

    synchronized Optional<Seeded> byKey(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    /** The current torrent of {@code path}. */
    synchronized Optional<Seeded> current(String path) {
        String key = currentKey.get(path);
        return key == null ? Optional.empty() : Optional.ofNullable(byKey.get(key));
    }

    synchronized boolean contains(String key) {
        return byKey.containsKey(key);
    }

    synchronized boolean hasPath(String path) {
        return currentKey.containsKey(path);
    }

    synchronized List<Seeded> all() {
        return new ArrayList<>(byKey.values());
    }
}
