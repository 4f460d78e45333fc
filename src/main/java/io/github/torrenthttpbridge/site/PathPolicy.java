package io.github.torrenthttpbridge.site;

import java.util.List;
import java.util.Locale;

/**
 * Which paths of the site the bridge may serve torrents of and which pages get torrent links: the {@code include}
 * and {@code exclude} patterns, and {@code inject-links} / {@code inject-paths}. Whatever the patterns say, nothing
 * under {@code WEB-INF} or {@code META-INF} (any case) or climbing with {@code /../} is ever bridged. A pattern is
 * {@code /*} (everything), an exact path, a prefix {@code /dir/*} or a suffix {@code *.ext}. Immutable.
 */
public final class PathPolicy {
    private final List<String> include;
    private final List<String> exclude;
    private final boolean injectLinks;
    private final List<String> injectPaths;

    /**
     * @param include     paths that may be bridged
     * @param exclude     paths that never are (also excludes directories from folder torrents)
     * @param injectLinks whether pages get torrent links at all
     * @param injectPaths the pages that get them
     */
    public PathPolicy(List<String> include, List<String> exclude, boolean injectLinks, List<String> injectPaths) {
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
        this.injectLinks = injectLinks;
        this.injectPaths = List.copyOf(injectPaths);
    }

    /** Everything but WEB-INF and META-INF bridged, every page linked: the defaults. */
    public static PathPolicy everything() {
        return new PathPolicy(List.of("/*"), List.of(), true, List.of("/*"));
    }

    /** Whether file {@code path} may be bridged: matches include, not exclude, not under WEB-INF or META-INF. */
    public boolean allows(String path) {
        if (neverPublic(path) || path.endsWith("/")) {
            return false;
        }
        return matchesAny(path, include) && !matchesAny(path, exclude);
    }

    /**
     * Whether directory {@code dir} (ending with '/') may get a torrent of its files: not the root, not under
     * WEB-INF or META-INF, not excluded (its files are checked one by one with {@link #allows}).
     */
    public boolean allowsDirectory(String dir) {
        return dir.endsWith("/") && dir.length() > 1 && !neverPublic(dir) && !matchesAny(dir, exclude);
    }

    /** Whether the page at {@code path} gets torrent links after its links to bridged files. */
    public boolean injectsInto(String path) {
        return injectLinks && matchesAny(path, injectPaths);
    }

    /** Under WEB-INF or META-INF (any case), or climbing with {@code /../}: never bridged, whatever the patterns. */
    private static boolean neverPublic(String path) {
        String upper = path.toUpperCase(Locale.ROOT);
        return upper.startsWith("/WEB-INF") || upper.startsWith("/META-INF") || path.contains("/../");
    }

    private static boolean matchesAny(String path, List<String> patterns) {
        for (String p : patterns) {
            if (p.equals("/*") || p.equals(path)
                    || (p.endsWith("/*") && path.startsWith(p.substring(0, p.length() - 1)))
                    || (p.startsWith("*.") && path.endsWith(p.substring(1)))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "include=" + include + ", exclude=" + exclude + ", injectLinks=" + injectLinks + ", injectPaths=" + injectPaths;
    }
}
