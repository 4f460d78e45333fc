package io.github.torrenthttpbridge.torrent;

import java.io.FilterInputStream;
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
 * Creates deterministic torrents (v1, v1+v2 hybrid or v2; one file or several) from streams. The {@code info}
 * dictionary holds no dates and no random fields, only what libtorrent 2.0's {@code create_torrent} writes, so the
 * same files and piece size always give the same info hashes as libtorrent (and, for v1, {@code mktorrent}).
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
     * @param version   v1, hybrid or v2 metainfo
     */
    public record Options(int pieceSize, List<String> trackers, List<String> webSeeds, int threads,
                          TorrentVersion version) {
        public Options {
            if (pieceSize != 0) {
                PieceSize.validate(pieceSize);
            }
            trackers = List.copyOf(trackers);
            webSeeds = List.copyOf(webSeeds);
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            Objects.requireNonNull(version, "version");
        }

        /** v1 options, as before torrent versions existed. */
        public Options(int pieceSize, List<String> trackers, List<String> webSeeds, int threads) {
            this(pieceSize, trackers, webSeeds, threads, TorrentVersion.V1);
        }

        public static Options defaults() {
            return new Options(0, List.of(), List.of(), Runtime.getRuntime().availableProcessors(),
                    TorrentVersion.V1);
        }

        public Options withPieceSize(int size) {
            return new Options(size, trackers, webSeeds, threads, version);
        }

        public Options withTrackers(List<String> list) {
            return new Options(pieceSize, list, webSeeds, threads, version);
        }

        public Options withWebSeeds(List<String> list) {
            return new Options(pieceSize, trackers, list, threads, version);
        }

        public Options withThreads(int n) {
            return new Options(pieceSize, trackers, webSeeds, n, version);
        }

        public Options withVersion(TorrentVersion v) {
            return new Options(pieceSize, trackers, webSeeds, threads, v);
        }

        public int pieceSizeFor(long length) {
            return pieceSize != 0 ? pieceSize : PieceSize.auto(length);
        }
    }

    /**
     * Hashes {@code length} bytes of {@code in} and builds a single-file torrent of {@code options.version()}.
     * The stream is read to its end but not closed.
     */
    public static TorrentMetadata create(InputStream in, long length, String name, Options options,
                                         ProgressListener listener) throws IOException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(in, "in");
        FileLayout layout = FileLayout.single(name, length, options.version(), options.pieceSizeFor(length));
        InputStream unclosed = new FilterInputStream(in) {
            @Override
            public void close() {
                // the caller's stream: the caller closes it
            }
        };
        return TorrentMetadata.parse(encode(layout, f -> unclosed, name, options, listener));
    }

    /**
     * Builds a multi-file torrent named {@code name} (the directory a client saves the files in) from
     * {@code files}, in any order: they are sorted into the torrent's order (see {@link TorrentVersion}) and each
     * is opened with {@code opener} and read exactly once, in that order, while all cores hash.
     *
     * @throws IllegalArgumentException if two files share a path after sanitising, a path is both a file and a
     *                                  directory, a path element is empty, "." or "..", or all files are empty
     * @throws IOException              if a file cannot be read or does not hold exactly its length
     */
    public static TorrentMetadata create(String name, List<InputFile> files, FileOpener opener, Options options,
                                         ProgressListener listener) throws IOException {
        return TorrentMetadata.parse(encodeMulti(name, files, opener, options, listener));
    }

    /** The complete bencoded multi-file torrent (what {@link #create(String, List, FileOpener, Options,
     * ProgressListener)} parses). */
    static byte[] encodeMulti(String name, List<InputFile> files, FileOpener opener, Options options,
                              ProgressListener listener) throws IOException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(opener, "opener");
        long total = 0;
        for (InputFile f : files) {
            total += f.length();
        }
        FileLayout layout = FileLayout.multi(files, options.version(), options.pieceSizeFor(total));
        return encode(layout, opener, name, options, listener);
    }

    static byte[] encode(FileLayout layout, FileOpener opener, String name, Options options,
                         ProgressListener listener) throws IOException {
        LayoutHasher.Hashes hashes = LayoutHasher.hash(layout, opener, options.threads(), listener);
        InfoBuilder.Built built = InfoBuilder.build(layout, hashes, name);
        Map<String, Object> root = root(new Bencode.Raw(built.info()), options);
        if (layout.version().hasV2()) {
            root.put("piece layers", built.pieceLayers());
        }
        return Bencode.encode(root);
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
        return TorrentMetadata.parse(Bencode.encode(root(info, options)));
    }

    private static Map<String, Object> root(Object info, Options options) {
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
        return root;
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
