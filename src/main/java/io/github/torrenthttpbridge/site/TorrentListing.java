package io.github.torrenthttpbridge.site;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.torrent.HashProgress;
import io.github.torrenthttpbridge.torrent.InfoHash;

/**
 * One page of the site's torrents, for the status page: files being hashed and failed ones first (there are few:
 * the hashing queue is bounded), then the seeded ones in path order or by bytes uploaded. Made from what is held in
 * memory; no torrent is read, decoded or hashed for it.
 *
 * @param rows     this page's rows
 * @param matching rows matching the query's filter, on all pages
 * @param total    torrents in all (seeded, hashing, failed), whatever the filter
 * @param seeded   torrents seeded
 * @param bytes    bytes of all seeded torrents' contents
 * @param query    what was asked
 */
public record TorrentListing(List<Row> rows, int matching, int total, int seeded, long bytes, Query query) {
    /** Rows on a page unless asked otherwise; the most a page may have. */
    public static final int PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;

    public TorrentListing {
        rows = List.copyOf(rows);
    }

    /** How many pages the matching rows fill (at least one). */
    public int pages() {
        return Math.max(1, (matching + query.pageSize() - 1) / query.pageSize());
    }

    /**
     * A row.
     *
     * @param infoHash the v1 info hash (or, for a v2-only torrent, the truncated v2 hash) when READY
     * @param length   the content's bytes when READY
     * @param magnet   the magnet link (current trackers and web seed) when READY
     */
    public record Row(String path, TorrentStatus.State state, SeedHandle handle, HashProgress progress, String reason,
                      Instant since, InfoHash infoHash, long length, String magnet) {
    }

    public enum Sort {
        /** by path, A to Z */
        PATH,
        /** by bytes uploaded, most first */
        UPLOADED
    }

    /**
     * What to list: rows whose path contains {@code filter} (ignoring case; null or empty: all), sorted, page
     * {@code page} (from 1) of {@code pageSize} rows.
     */
    public record Query(String filter, Sort sort, int page, int pageSize) {
        public Query {
            filter = filter == null || filter.isBlank() ? null : filter.strip();
            if (sort == null) {
                sort = Sort.PATH;
            }
            if (page < 1) {
                throw new IllegalArgumentException("page must be 1 or more: " + page);
            }
            if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
                throw new IllegalArgumentException("page size must be 1 to " + MAX_PAGE_SIZE + ": " + pageSize);
            }
        }

        /** The first page of everything, by path. */
        public static Query firstPage() {
            return new Query(null, Sort.PATH, 1, PAGE_SIZE);
        }

        int offset() {
            return (int) Math.min(Integer.MAX_VALUE, (long) (page - 1) * pageSize);
        }

        /** Whether a path matches the filter; null when every path does. */
        Predicate<String> matcher() {
            if (filter == null) {
                return null;
            }
            String f = filter;
            char lower = Character.toLowerCase(f.charAt(0));
            char upper = Character.toUpperCase(f.charAt(0));
            return path -> {   // contains, ignoring case, without copying the path (one walk over 100,000 paths)
                for (int i = 0; i + f.length() <= path.length(); i++) {
                    char c = path.charAt(i);
                    if ((c == lower || c == upper) && path.regionMatches(true, i, f, 0, f.length())) {
                        return true;
                    }
                }
                return false;
            };
        }
    }
}
