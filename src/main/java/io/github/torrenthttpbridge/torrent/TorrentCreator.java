package io.github.torrenthttpbridge.torrent;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Creates deterministic single-file v1 torrents from a stream. The {@code info} dictionary holds only
 * {@code length}, {@code name}, {@code piece length} and {@code pieces} (no dates, no random fields), so the
 * same bytes and piece size always give the same info hash, the one {@code mktorrent} and libtorrent give.
 */
public final class TorrentCreator {
    public static final String CREATED_BY = "torrent-http-bridge 0.1";

    private TorrentCreator() {
    }

    /**
     * What to put in a new torrent besides the hashes.
     *
     * @param pieceSize piece size in bytes, or 0 to choose automatically ({@link PieceSize#auto(long)})
     * @param trackers  announce URLs, each its own tier, in order
     * @param webSeeds  BEP 19 {@code url-list} entries
     * @param threads   hashing threads
     */
    public record Options(int pieceSize, List<String> trackers, List<String> webSeeds, int threads) {
        public Options {
            if (pieceSize != 0) {
                PieceSize.validate(pieceSize);
            }
            trackers = List.copyOf(trackers);
            webSeeds = List.copyOf(webSeeds);
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
        }

        public static Options defaults() {
            return new Options(0, List.of(), List.of(), Runtime.getRuntime().availableProcessors());
        }

        public Options withPieceSize(int size) {
            return new Options(size, trackers, webSeeds, threads);
        }

        public Options withTrackers(List<String> list) {
            return new Options(pieceSize, list, webSeeds, threads);
        }

        public Options withWebSeeds(List<String> list) {
            return new Options(pieceSize, trackers, list, threads);
        }

        public Options withThreads(int n) {
            return new Options(pieceSize, trackers, webSeeds, n);
        }

        public int pieceSizeFor(long length) {
            return pieceSize != 0 ? pieceSize : PieceSize.auto(length);
        }
    }

    /** Hashes {@code length} bytes of {@code in} and builds the torrent. */
    public static TorrentMetadata create(InputStream in, long length, String name, Options options,
                                         ProgressListener listener) throws IOException {
        Objects.requireNonNull(name, "name");
        int pieceLength = options.pieceSizeFor(length);
        byte[] pieces = PieceHasher.hash(in, length, pieceLength, options.threads(), listener);
        return build(name, length, pieceLength, pieces, options);
    }

    /** Assembles the torrent from precomputed piece hashes. */
    public static TorrentMetadata build(String name, long length, int pieceLength, byte[] pieces, Options options) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("length", length);
        info.put("name", safeName(name));
        info.put("piece length", (long) pieceLength);
        info.put("pieces", pieces);
        return wrap(info, options);
    }

    /**
     * A torrent around an existing bencoded {@code info} dictionary (kept byte for byte, so the info hash is
     * unchanged) with the trackers and web seeds of {@code options}; its piece size is ignored. Throws
     * {@link InvalidTorrentException} if {@code info} is not a valid single-file info dictionary.
     */
    public static TorrentMetadata fromInfo(byte[] info, Options options) {
        TorrentMetadata t = wrap(new Bencode.Raw(info), options);
        if (!java.util.Arrays.equals(t.infoBytes(), info)) {
            throw new InvalidTorrentException("the info dictionary is not one complete bencoded dictionary");
        }
        return t;
    }

    private static TorrentMetadata wrap(Object info, Options options) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("info", info);
        if (!options.trackers().isEmpty()) {
            root.put("announce", options.trackers().get(0));
            if (options.trackers().size() > 1) {
                List<Object> tiers = new ArrayList<>();
                for (String t : options.trackers()) {
                    tiers.add(List.of(t));
                }
                root.put("announce-list", tiers);
            }
        }
        if (!options.webSeeds().isEmpty()) {
            root.put("url-list", new ArrayList<Object>(options.webSeeds()));
        }
        root.put("created by", CREATED_BY);
        return TorrentMetadata.parse(Bencode.encode(root));
    }

    /** The torrent name for a URL: its last path segment, percent-decoded, or "download" if it has none. */
    public static String nameFromUrl(URI url) {
        String path = url.getRawPath();
        if (path == null || path.isEmpty() || path.endsWith("/")) {
            return "download";
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        String decoded = URLDecoder.decode(last.replace("+", "%2B"), StandardCharsets.UTF_8);
        return safeName(decoded);
    }

    /** A file name safe to write anywhere: no path separators, control characters or dot-only names. */
    public static String safeName(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(c < 0x20 || c == 0x7f || c == '/' || c == '\\' ? '_' : c);
        }
        String s = sb.toString().strip();
        if (s.isEmpty() || s.equals(".") || s.equals("..")) {
            return "download";
        }
        return s;
    }
}
