package io.github.torrenthttpbridge.site;

import java.util.Set;

/**
 * What the site's answers are decided from: its torrents, its path policy and its directories.
 *
 * @param listing the site's directories, for folder torrents
 */
record SiteRules(SiteView torrents, PathPolicy policy, DirectoryListing listing) {
    /** Whether the site holds a non-empty directory {@code dir} (some containers list a missing one as empty). */
    boolean isDirectory(String dir) {
        Set<String> entries = listing.children(dir);
        return entries != null && !entries.isEmpty();
    }
}
