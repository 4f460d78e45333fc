package io.github.torrenthttpbridge.site;

import java.util.Set;

/**
 * What a web application holds in one directory, as {@code ServletContext.getResourcePaths} tells it: the servlet
 * layer passes one in, so the site code stays free of the Servlet API.
 */
@FunctionalInterface
public interface DirectoryListing {
    /**
     * The entries directly inside {@code dir} (a path starting and ending with '/'): full paths within the site,
     * subdirectories ending with '/'. Null or empty when {@code dir} is not a directory.
     */
    Set<String> children(String dir);

    /** A site whose directories are never listed (no directory torrents). */
    static DirectoryListing none() {
        return dir -> Set.of();
    }
}
