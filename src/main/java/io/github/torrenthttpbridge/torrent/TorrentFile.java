package io.github.torrenthttpbridge.torrent;

import java.util.List;

/**
 * One file of a torrent: its path inside the torrent (below the torrent's name for multi-file torrents; the name
 * itself for a single file), its length, where it starts in the torrent's piece space, whether it is a BEP 47 pad
 * file, and its BEP 52 {@code pieces root} (null for v1-only torrents and empty files).
 */
public final class TorrentFile {
    private final List<String> path;
    private final long length;
    private final long offset;
    private final boolean pad;
    private final byte[] piecesRoot;

    TorrentFile(List<String> path, long length, long offset, boolean pad, byte[] piecesRoot) {
        this.path = List.copyOf(path);
        this.length = length;
        this.offset = offset;
        this.pad = pad;
        this.piecesRoot = piecesRoot;
    }

    /** Path components (never empty, ".", ".." or containing '/'). */
    public List<String> path() {
        return path;
    }

    public long length() {
        return length;
    }

    /** First byte of this file in the piece space (v1 offsets; v2-only torrents start every file on a piece). */
    public long offset() {
        return offset;
    }

    /** A BEP 47 pad file: zero bytes that no one stores or fetches. */
    public boolean pad() {
        return pad;
    }

    /** The 32-byte merkle root of a v2 file, or null. */
    public byte[] piecesRoot() {
        return piecesRoot == null ? null : piecesRoot.clone();
    }

    boolean rootEquals(byte[] root, int off) {
        return piecesRoot != null && java.util.Arrays.equals(piecesRoot, 0, 32, root, off, off + 32);
    }

    @Override
    public String toString() {
        return String.join("/", path) + " (" + length + " bytes at " + offset + (pad ? ", pad" : "") + ")";
    }
}
