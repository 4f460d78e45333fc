package io.github.torrenthttpbridge.site;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import io.github.torrenthttpbridge.torrent.TorrentCreator;

/**
 * Lists a directory of the site recursively and applies the rules a file must pass before it is even probed: the
 * site's include/exclude patterns ({@code allowed}), names a torrent can carry unchanged, and the cap on the file
 * count. Bounded: it stops after {@code maxFiles + 1} files, 32 directory levels or {@code 16 x maxFiles + 1000}
 * entries looked at. Stateless and servlet-free (the listing is a function).
 */
final class DirectoryScan {
    static final int MAX_DEPTH = 32;

    /**
     * What a directory holds.
     *
     * @param files   the site paths of the files that passed the rules, sorted
     * @param leftOut files refused by the rules, with why
     * @param tooMany why the directory is too big to list (more files or entries than the caps), or null
     */
    record Listed(List<String> files, Map<String, String> leftOut, String tooMany) {
    }

    private DirectoryScan() {
    }

    /** Whether {@code dir} can name a directory torrent: starts and ends with '/', is not the site root, has a usable name. */
    static String refusal(String dir) {
        if (!dir.startsWith("/") || !dir.endsWith("/") || dir.equals("/")) {
            return "the site's root is not shared as one torrent; share its directories";
        }
        if (dir.contains("/../") || dir.contains("/./") || dir.contains("//")) {
            return "not a normalized directory path";
        }
        String name = name(dir);
        if (!TorrentCreator.safeName(name).equals(name)) {
            return "the directory's name '" + name + "' cannot be a torrent's name";
        }
        return null;
    }

    /** The torrent's name: the directory's last segment. */
    static String name(String dir) {
        String d = dir.substring(0, dir.length() - 1);
        return d.substring(d.lastIndexOf('/') + 1);
    }

    static Listed list(DirectoryListing listing, String dir, Predicate<String> allowed, int maxFiles) {
        List<String> files = new ArrayList<>();
        Map<String, String> leftOut = new LinkedHashMap<>();
        long budget = 16L * maxFiles + 1000;
        Deque<String> dirs = new ArrayDeque<>();
        dirs.add(dir);
        while (!dirs.isEmpty()) {
            String d = dirs.poll();
            if (depth(d) - depth(dir) > MAX_DEPTH) {
                return new Listed(List.of(), leftOut, "it is nested more than " + MAX_DEPTH + " directories deep");
            }
            Set<String> children = listing.children(d);
            if (children == null) {
                continue;
            }
            for (String c : children) {
                if (--budget < 0) {
                    return new Listed(List.of(), leftOut, "it holds too many entries to list (more than " + (16L * maxFiles + 1000) + ")");
                }
                if (!c.startsWith(d) || c.length() == d.length() || c.substring(d.length(), c.length() - 1).contains("/")) {
                    continue;  // not an entry of d: never follow it
                }
                if (c.endsWith("/")) {
                    dirs.add(c);
                    continue;
                }
                String why = why(c, allowed);
                if (why != null) {
                    leftOut.put(c, why);
                } else {
                    files.add(c);
                    if (files.size() > maxFiles) {
                        return new Listed(List.of(), leftOut, "it holds more than " + maxFiles
                                + " files (torrent-bridge.max-folder-files)");
                    }
                }
            }
        }
        files.sort(null);
        return new Listed(List.copyOf(files), leftOut, null);
    }

    private static String why(String file, Predicate<String> allowed) {
        if (!allowed.test(file)) {
            return "excluded by the site's include/exclude rules";
        }
        String name = file.substring(file.lastIndexOf('/') + 1);
        if (!TorrentCreator.safeName(name).equals(name)) {
            return "its name cannot be used in a torrent";
        }
        return null;
    }

    private static int depth(String path) {
        int n = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }
}
