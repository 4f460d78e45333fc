package io.github.torrenthttpbridge.torrent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and cross-checks the file list of an {@code info} dictionary: v1 ({@code length} or {@code files}, BEP 47 pad
 * files), v2 ({@code file tree}, BEP 52) or both (hybrid, whose two halves must describe the same files at the same,
 * piece-aligned offsets), and the {@code piece layers} that go with v2 files longer than one piece.
 */
final class InfoParser {
    /** Most files accepted in one torrent. */
    static final int MAX_FILES = 100_000;

    record Parsed(boolean multiFile, long length, List<TorrentFile> files, boolean v2, Map<Integer, byte[]> layers) {
    }

    private InfoParser() {
    }

    static Parsed parse(String name, Map<?, ?> info, long pieceLength, Object pieceLayers) {
        boolean v1 = info.containsKey("pieces");
        boolean v2 = info.containsKey("meta version");
        if (v2) {
            if (!(info.get("meta version") instanceof Long version) || version != 2) {
                throw new InvalidTorrentException("'info.meta version' is " + info.get("meta version")
                        + "; only version 2 (BEP 52) is known");
            }
            if (pieceLength < Merkle.BLOCK || Long.bitCount(pieceLength) != 1) {
                throw new InvalidTorrentException("a v2 torrent's piece length must be a power of two of at least 16 KiB, got "
                        + pieceLength);
            }
        } else if (!v1) {
            throw new InvalidTorrentException("'info.pieces' is missing or not a byte string");
        }
        List<TorrentFile> v1Files = null;
        boolean multi = false;
        if (v1) {
            if (info.containsKey("files")) {
                multi = true;
                v1Files = v1Files(info.get("files"));
            } else {
                long length = integer(info.get("length"), "info.length");
                if (length <= 0 || length > TorrentMetadata.MAX_LENGTH) {
                    throw new InvalidTorrentException("'info.length' must be between 1 and 2^50 bytes, got " + length);
                }
                v1Files = List.of(new TorrentFile(List.of(name), length, 0, false, null));
            }
        }
        if (!v2) {
            return new Parsed(multi, end(v1Files), v1Files, false, Map.of());
        }
        List<TorrentFile> v2Files = new ArrayList<>();
        if (!(info.get("file tree") instanceof Map<?, ?> tree) || tree.isEmpty()) {
            throw new InvalidTorrentException("'info.file tree' is missing or empty in a v2 torrent");
        }
        walk(tree, new ArrayList<>(), v2Files, pieceLength);
        if (!v1) {
            multi = v2Files.size() != 1 || v2Files.get(0).path().size() != 1 || !v2Files.get(0).path().get(0).equals(name);
        } else if (!multi && (v2Files.size() != 1 || v2Files.get(0).length() != v1Files.get(0).length())) {
            throw new InvalidTorrentException("the hybrid torrent's v1 part (one file) and v2 'file tree' disagree");
        }
        List<TorrentFile> files = v1 ? merge(v1Files, v2Files, pieceLength) : v2Files;
        Map<Integer, byte[]> layers = layers(files, pieceLength, pieceLayers, !v1);
        // v2 alone: the last file is padded to a whole piece as well, as libtorrent does (so is its last piece)
        long length = v1 ? end(files) : (end(files) + pieceLength - 1) / pieceLength * pieceLength;
        return new Parsed(multi, length, List.copyOf(files), true, layers);
    }

    private static long end(List<TorrentFile> files) {
        long end = 0;
        for (TorrentFile f : files) {
            end = Math.max(end, f.offset() + f.length());
        }
        if (end <= 0) {
            throw new InvalidTorrentException("the torrent holds no bytes");
        }
        return end;
    }

    private static List<TorrentFile> v1Files(Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new InvalidTorrentException("'info.files' is not a non-empty list");
        }
        if (list.size() > MAX_FILES) {
            throw new InvalidTorrentException("the torrent lists " + list.size() + " files, more than " + MAX_FILES);
        }
        List<TorrentFile> files = new ArrayList<>(list.size());
        long offset = 0;
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> f)) {
                throw new InvalidTorrentException("an entry of 'info.files' is not a dictionary");
            }
            long length = integer(f.get("length"), "info.files.length");
            Object p = f.containsKey("path.utf-8") ? f.get("path.utf-8") : f.get("path");
            if (!(p instanceof List<?> parts) || parts.isEmpty()) {
                throw new InvalidTorrentException("an entry of 'info.files' has no 'path'");
            }
            List<String> path = new ArrayList<>();
            for (Object part : parts) {
                if (!(part instanceof byte[] b)) {
                    throw new InvalidTorrentException("a component of 'info.files.path' is not a byte string");
                }
                path.add(component(new String(b, StandardCharsets.UTF_8)));
            }
            boolean pad = f.get("attr") instanceof byte[] attr && new String(attr, StandardCharsets.ISO_8859_1).contains("p");
            files.add(file(path, length, offset, pad, null));
            offset += length;
        }
        return files;
    }

    private static void walk(Map<?, ?> node, List<String> path, List<TorrentFile> out, long pieceLength) {
        for (Map.Entry<?, ?> e : node.entrySet()) {
            String key = utf8Key(e.getKey());
            if (!(e.getValue() instanceof Map<?, ?> child)) {
                throw new InvalidTorrentException("an entry of 'info.file tree' is not a dictionary");
            }
            if (key.isEmpty()) {
                if (path.isEmpty() || node.size() != 1) {
                    throw new InvalidTorrentException("'info.file tree' has a file entry beside other entries");
                }
                long length = integer(child.get("length"), "info.file tree.length");
                byte[] root = null;
                if (length > 0) {
                    if (!(child.get("pieces root") instanceof byte[] r) || r.length != Merkle.HASH) {
                        throw new InvalidTorrentException("the file " + String.join("/", path)
                                + " has no 32-byte 'pieces root'");
                    }
                    root = r;
                }
                if (out.size() >= MAX_FILES) {
                    throw new InvalidTorrentException("the torrent lists more than " + MAX_FILES + " files");
                }
                long pos = out.isEmpty() ? 0 : last(out);
                long offset = (pos + pieceLength - 1) / pieceLength * pieceLength;
                out.add(file(path, length, offset, false, root));
            } else {
                path.add(component(key));
                walk(child, path, out, pieceLength);
                path.remove(path.size() - 1);
            }
        }
    }

    private static long last(List<TorrentFile> files) {
        TorrentFile f = files.get(files.size() - 1);
        return f.offset() + f.length();
    }

    /** The v1 list (with its pads) carrying the v2 roots, once both are checked to describe the same files. */
    private static List<TorrentFile> merge(List<TorrentFile> v1Files, List<TorrentFile> v2Files, long pieceLength) {
        List<TorrentFile> out = new ArrayList<>(v1Files.size());
        int j = 0;
        for (TorrentFile f : v1Files) {
            if (f.pad()) {
                out.add(f);
                continue;
            }
            TorrentFile g = j < v2Files.size() ? v2Files.get(j++) : null;
            boolean same = g != null && g.length() == f.length()
                    && (v1Files.size() == 1 || g.path().equals(f.path()));
            if (!same) {
                throw new InvalidTorrentException("the hybrid torrent's v1 file " + f + " does not match its v2 'file tree'"
                        + (g == null ? " (missing there)" : " entry " + g));
            }
            if (f.length() > 0 && f.offset() % pieceLength != 0) {
                throw new InvalidTorrentException("the hybrid torrent's file " + f + " does not start on a piece boundary"
                        + " (pad files missing)");
            }
            out.add(new TorrentFile(f.path(), f.length(), f.offset(), false, g.piecesRoot()));
        }
        if (j != v2Files.size()) {
            throw new InvalidTorrentException("the hybrid torrent's v2 'file tree' has files its v1 part lacks");
        }
        return out;
    }

    private static Map<Integer, byte[]> layers(List<TorrentFile> files, long pieceLength, Object value, boolean required) {
        Map<String, byte[]> given = new HashMap<>();
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getValue() instanceof byte[] b) {
                    given.put((String) e.getKey(), b);
                }
            }
        } else if (value != null) {
            throw new InvalidTorrentException("'piece layers' is not a dictionary");
        }
        Map<Integer, byte[]> layers = new HashMap<>();
        int perPiece = (int) (pieceLength / Merkle.BLOCK);
        for (int i = 0; i < files.size(); i++) {
            TorrentFile f = files.get(i);
            if (f.pad() || f.length() <= pieceLength) {
                continue;
            }
            byte[] root = f.piecesRoot();
            byte[] layer = given.get(new String(root, StandardCharsets.ISO_8859_1));
            if (layer == null) {
                if (required) {
                    throw new InvalidTorrentException("'piece layers' lacks the layer of " + f
                            + "; a v2-only torrent cannot be verified without it");
                }
                continue;
            }
            long pieces = (f.length() + pieceLength - 1) / pieceLength;
            if (layer.length != pieces * Merkle.HASH) {
                throw new InvalidTorrentException("the piece layer of " + f + " holds " + layer.length
                        + " bytes, expected " + pieces * Merkle.HASH);
            }
            long width = Merkle.leafCount(Merkle.blocks(f.length())) / perPiece;
            if (!Arrays.equals(Merkle.root(layer, width, Merkle.log2(perPiece)), root)) {
                throw new InvalidTorrentException("the piece layer of " + f + " does not hash to its 'pieces root'");
            }
            layers.put(i, layer);
        }
        return Map.copyOf(layers);
    }

    private static TorrentFile file(List<String> path, long length, long offset, boolean pad, byte[] root) {
        if (length < 0 || length > TorrentMetadata.MAX_LENGTH || offset + length > TorrentMetadata.MAX_LENGTH) {
            throw new InvalidTorrentException("the file " + String.join("/", path) + " has a length of " + length
                    + "; a torrent holds at most 2^50 bytes");
        }
        return new TorrentFile(path, length, offset, pad, root);
    }

    private static String component(String s) {
        if (s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0
                || s.indexOf(0) >= 0) {
            throw new InvalidTorrentException("the path component '" + s + "' is not allowed");
        }
        return s;
    }

    private static String utf8Key(Object key) {
        return new String(((String) key).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    static long integer(Object value, String field) {
        if (!(value instanceof Long l)) {
            throw new InvalidTorrentException("'" + field + "' is missing or not an integer");
        }
        return l;
    }
}
