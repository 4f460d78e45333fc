package io.github.torrenthttpbridge.torrent;

import java.util.List;

/**
 * One file of a multi-file torrent to create.
 *
 * @param path   the file's path inside the torrent, one element per directory level and the file name last (the
 *               creator sanitises each element like {@link TorrentCreator#safeName})
 * @param length the file's length in bytes; 0 is allowed
 */
public record InputFile(List<String> path, long length) {
    public InputFile {
        path = List.copyOf(path);
        if (path.isEmpty()) {
            throw new IllegalArgumentException("a file needs a path of at least one element");
        }
        if (length < 0 || length > TorrentMetadata.MAX_LENGTH) {
            throw new IllegalArgumentException("file length must be between 0 and 2^50 bytes, got " + length
                    + " for " + String.join("/", path));
        }
    }

    /** A file from a path with '/' between the elements, e.g. {@code "docs/a.txt"}. */
    public static InputFile of(String slashPath, long length) {
        return new InputFile(List.of(slashPath.split("/", -1)), length);
    }
}
