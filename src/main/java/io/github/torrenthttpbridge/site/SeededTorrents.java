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
    /** A registered torrent; {@code facts} what its magnet link is made of (read from its info once). */
    record Seeded(String path, MetadataStore.Entry entry, SeedHandle handle, Instant since, KnownTorrents.Known facts) {
        Seeded(String path, MetadataStore.Entry entry, SeedHandle handle, Instant since) {
            this(path, entry, handle, since, KnownTorrents.of(entry));
        }

        String key() {
            return entry.key();
        }
    }

    /** One page of the current torrents in path order, and how many match in all. */
    record Slice(List<Seeded> rows, int matching) {
    }

    private final Map<String, Seeded> byKey = new HashMap<>();
    private final java.util.NavigableMap<String, String> currentKey = new java.util.TreeMap<>();  // in path order
    private long bytes;   // of everything in byKey

    /**
     * Makes {@code s} the current torrent of its path. Returns the torrent it replaces for that path (another
     * key), which is no longer listed; empty if there was none or it had the same key.
     */
    synchronized Optional<Seeded> publish(Seeded s) {
        Seeded same = byKey.get(s.key());
        if (same != null && same.handle() == s.handle()) {
            s = same;  // registered twice at once: keep the first (its age)
        }
        Seeded before = byKey.put(s.key(), s);
        bytes += s.entry().length() - (before == null ? 0 : before.entry().length());
        String previous = currentKey.put(s.path(), s.key());
        if (previous == null || previous.equals(s.key())) {
            return Optional.empty();
        }
        Seeded displaced = byKey.remove(previous);
        if (displaced != null) {
            bytes -= displaced.entry().length();
        }
        return Optional.ofNullable(displaced);
    }

    /** Unlists {@code s} if it is still its path's current torrent; whether it was. */
    synchronized boolean remove(Seeded s) {
        if (!s.key().equals(currentKey.get(s.path()))) {
            return false;
        }
        currentKey.remove(s.path());
        Seeded gone = byKey.remove(s.key());
        if (gone != null) {
            bytes -= gone.entry().length();
        }
        return true;
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

    /** How many torrents are registered. */
    synchronized int size() {
        return byKey.size();
    }

    /** Bytes of all registered torrents' contents. */
    synchronized long bytes() {
        return bytes;
    }

    /**
     * The current torrents whose path matches, in path order, from the {@code offset}-th match on, at most {@code
     * limit}: one walk over the paths in order (no torrent is read or decoded), copying only the page; a null
     * {@code pathMatches} matches every path, and the walk then stops at the page's end.
     */
    synchronized Slice slice(java.util.function.Predicate<String> pathMatches, int offset, int limit) {
        List<Seeded> rows = new ArrayList<>(Math.min(limit, 1024));
        int matching = 0;
        for (Map.Entry<String, String> e : currentKey.entrySet()) {
            if (pathMatches == null && rows.size() >= limit) {
                return new Slice(rows, currentKey.size());   // every path matches: no need to walk the rest
            }
            if (pathMatches == null || pathMatches.test(e.getKey())) {
                if (matching >= offset && rows.size() < limit) {
                    rows.add(byKey.get(e.getValue()));
                }
                matching++;
            }
        }
        return new Slice(rows, matching);
    }

    /** The current torrents whose path matches, in path order (for a sort by a figure that changes all the time). */
    synchronized List<Seeded> matching(java.util.function.Predicate<String> pathMatches) {
        List<Seeded> out = new ArrayList<>();
        for (Map.Entry<String, String> e : currentKey.entrySet()) {
            if (pathMatches == null || pathMatches.test(e.getKey())) {
                out.add(byKey.get(e.getValue()));
            }
        }
        return out;
    }
}
