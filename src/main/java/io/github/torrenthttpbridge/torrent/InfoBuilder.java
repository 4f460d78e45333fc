package io.github.torrenthttpbridge.torrent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the {@code info} dictionary and the BEP 52 {@code piece layers} of a new torrent, with exactly the keys
 * libtorrent 2.0's {@code create_torrent} writes (and, for v1, mktorrent), so the info hashes are the same:
 * <ul>
 * <li>v1 single file: {@code length, name, piece length, pieces};</li>
 * <li>v1 several files: {@code files} ({@code length, path} each), {@code name, piece length, pieces};</li>
 * <li>v2: {@code file tree, meta version (2), name, piece length}; hybrid adds the v1 keys, with pad files
 * ({@code attr "p"}, path {@code .pad/<size>}) in {@code files}.</li>
 * </ul>
 * A {@code file tree} leaf is {@code {"": {length, pieces root}}}; an empty file has no {@code pieces root}.
 */
final class InfoBuilder {
    /**
     * The result.
     *
     * @param info        the bencoded {@code info} dictionary
     * @param pieceLayers for {@code piece layers}: the 32-byte pieces root (as an ISO-8859-1 string, how
     *                    {@link Bencode} takes byte keys) to the file's piece layer; empty for v1
     */
    record Built(byte[] info, Map<String, Object> pieceLayers) {
    }

    private InfoBuilder() {
    }

    static Built build(FileLayout layout, LayoutHasher.Hashes hashes, String name) {
        TorrentVersion version = layout.version();
        Map<String, Object> info = new LinkedHashMap<>();
        List<FileLayout.Entry> entries = layout.entries();
        if (layout.single()) {
            FileLayout.Entry only = entries.get(0);
            info.put("name", only.path().get(0));
            if (version.hasV1()) {
                info.put("length", only.length());
            }
        } else {
            info.put("name", TorrentCreator.safeName(name));
            if (version.hasV1()) {
                info.put("files", filesList(entries));
            }
        }
        info.put("piece length", (long) layout.pieceLength());
        if (version.hasV1()) {
            info.put("pieces", hashes.pieces());
        }
        Map<String, Object> pieceLayers = new TreeMap<>();
        if (version.hasV2()) {
            info.put("meta version", 2L);
            info.put("file tree", fileTree(entries, hashes));
            for (int i = 0; i < entries.size(); i++) {
                if (hashes.pieceLayers()[i] != null) {
                    pieceLayers.put(key(hashes.roots()[i]), hashes.pieceLayers()[i]);
                }
            }
        }
        return new Built(Bencode.encode(info), pieceLayers);
    }

    private static List<Object> filesList(List<FileLayout.Entry> entries) {
        List<Object> files = new ArrayList<>();
        for (FileLayout.Entry e : entries) {
            Map<String, Object> f = new LinkedHashMap<>();
            if (e.pad()) {
                f.put("attr", "p");
            }
            f.put("length", e.length());
            f.put("path", new ArrayList<Object>(e.path()));
            files.add(f);
        }
        return files;
    }

    private static Map<String, Object> fileTree(List<FileLayout.Entry> entries, LayoutHasher.Hashes hashes) {
        Map<String, Object> tree = new TreeMap<>();
        for (int i = 0; i < entries.size(); i++) {
            FileLayout.Entry e = entries.get(i);
            if (e.pad()) {
                continue;
            }
            Map<String, Object> dir = tree;
            List<String> path = e.path();
            for (int level = 0; level < path.size(); level++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) dir.computeIfAbsent(key(path.get(level)),
                        k -> new TreeMap<String, Object>());
                dir = next;
            }
            Map<String, Object> leaf = new LinkedHashMap<>();
            leaf.put("length", e.length());
            if (e.length() > 0) {
                leaf.put("pieces root", hashes.roots()[i]);
            }
            dir.put("", leaf);
        }
        return tree;
    }

    /** A dictionary key for {@link Bencode}, which writes String keys as ISO-8859-1 bytes. */
    private static String key(String utf8Name) {
        return new String(utf8Name.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static String key(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }
}
