package io.github.torrenthttpbridge.torrent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The files of a torrent being created, in the torrent's order, with their offsets in the v1 byte stream and the
 * BEP 47 pad files between them.
 *
 * <p>Order: v1 torrents sort like {@code mktorrent} (the '/'-joined paths compared byte by byte), so the same files
 * give mktorrent's info hash. Hybrid and v2 torrents sort like libtorrent's {@code file_storage::canonicalize}
 * (element by element, a shorter path first when one is a prefix of the other), and every file that follows a
 * file not ending on a piece boundary gets a pad file before it; a hybrid of two or more files (even empty ones)
 * also ends with a pad, one of a single file does not (as libtorrent 2.0.8 does). v2 torrents keep the same aligned offsets (each file starts a piece) but list no pads.
 */
final class FileLayout {
    /** A file or a pad file; {@code source} is the caller's file, or null for a pad. */
    record Entry(List<String> path, long length, long offset, InputFile source) {
        boolean pad() {
            return source == null;
        }
    }

    private final List<Entry> entries;
    private final boolean single;
    private final TorrentVersion version;
    private final int pieceLength;
    private final long totalLength;
    private final long dataLength;

    private FileLayout(List<Entry> entries, boolean single, TorrentVersion version, int pieceLength) {
        this.entries = List.copyOf(entries);
        this.single = single;
        this.version = version;
        this.pieceLength = pieceLength;
        Entry last = entries.get(entries.size() - 1);
        this.totalLength = last.offset() + last.length();
        this.dataLength = entries.stream().filter(e -> !e.pad()).mapToLong(Entry::length).sum();
        if (dataLength == 0) {
            throw new IllegalArgumentException("a torrent needs at least one byte of data; every file is empty");
        }
        if (PieceSize.pieceCount(totalLength, pieceLength) > Integer.MAX_VALUE / 32) {
            throw new IllegalArgumentException("too many pieces for " + totalLength + " bytes in pieces of "
                    + pieceLength + "; choose a larger piece size");
        }
    }

    /** One file: a single-file torrent named {@code name}. */
    static FileLayout single(String name, long length, TorrentVersion version, int pieceLength) {
        List<String> path = List.of(TorrentCreator.safeName(name));
        return new FileLayout(List.of(new Entry(path, length, 0, new InputFile(path, length))), true, version,
                pieceLength);
    }

    /** Several files (a directory): sanitised, sorted into the torrent's order, padded for hybrid and v2. */
    static FileLayout multi(List<InputFile> files, TorrentVersion version, int pieceLength) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("a multi-file torrent needs at least one file");
        }
        List<Entry> sorted = new ArrayList<>();
        for (InputFile f : files) {
            sorted.add(new Entry(safePath(f.path()), f.length(), 0, f));
        }
        Comparator<List<String>> order = version == TorrentVersion.V1 ? FileLayout::compareJoined
                : FileLayout::compareElements;
        sorted.sort((a, b) -> order.compare(a.path(), b.path()));
        checkConflicts(sorted);
        boolean aligned = version.hasV2();
        List<Entry> out = new ArrayList<>();
        long off = 0;
        for (Entry e : sorted) {
            if (aligned && off % pieceLength != 0) {
                off = addPad(out, off, pieceLength, version);
            }
            out.add(new Entry(e.path(), e.length(), off, e.source()));
            off += e.length();
        }
        if (aligned && sorted.size() > 1 && off % pieceLength != 0) {
            addPad(out, off, pieceLength, version);
        }
        return new FileLayout(out, false, version, pieceLength);
    }

    private static long addPad(List<Entry> out, long off, int pieceLength, TorrentVersion version) {
        long size = pieceLength - off % pieceLength;
        if (version == TorrentVersion.HYBRID) {
            out.add(new Entry(List.of(".pad", Long.toString(size)), size, off, null));
        }
        return off + size;
    }

    /** Each element sanitised like {@link TorrentCreator#safeName}; empty, "." and ".." elements are refused. */
    static List<String> safePath(List<String> path) {
        List<String> out = new ArrayList<>(path.size());
        for (String element : path) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < element.length(); i++) {
                char c = element.charAt(i);
                sb.append(c < 0x20 || c == 0x7f || c == '/' || c == '\\' ? '_' : c);
            }
            String s = sb.toString().strip();
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("a path element may not be empty, '.' or '..': "
                        + String.join("/", path));
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    private static void checkConflicts(List<Entry> sorted) {
        Set<List<String>> files = new HashSet<>();
        for (Entry e : sorted) {
            if (!files.add(e.path())) {
                throw new IllegalArgumentException("two files have the path " + String.join("/", e.path()));
            }
        }
        for (Entry e : sorted) {
            for (int n = 1; n < e.path().size(); n++) {
                if (files.contains(e.path().subList(0, n))) {
                    throw new IllegalArgumentException(String.join("/", e.path().subList(0, n))
                            + " is both a file and a directory");
                }
            }
        }
    }

    /** mktorrent's order: the '/'-joined UTF-8 paths compared as unsigned bytes. */
    static int compareJoined(List<String> a, List<String> b) {
        return Arrays.compareUnsigned(utf8(String.join("/", a)), utf8(String.join("/", b)));
    }

    /** libtorrent's canonical order: element by element as unsigned UTF-8 bytes, a prefix first. */
    static int compareElements(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Arrays.compareUnsigned(utf8(a.get(i)), utf8(b.get(i)));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    List<Entry> entries() {
        return entries;
    }

    boolean single() {
        return single;
    }

    TorrentVersion version() {
        return version;
    }

    int pieceLength() {
        return pieceLength;
    }

    /** Bytes of the v1 stream, pads included. */
    long totalLength() {
        return totalLength;
    }

    /** Bytes of the files, pads excluded. */
    long dataLength() {
        return dataLength;
    }

    int pieceCount() {
        return (int) PieceSize.pieceCount(totalLength, pieceLength);
    }
}
