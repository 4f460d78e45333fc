package io.github.torrenthttpbridge.cli;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.github.torrenthttpbridge.bridge.CreatedTorrent;
import io.github.torrenthttpbridge.bridge.UrlTorrentCreator;
import io.github.torrenthttpbridge.origin.OriginClient;
import io.github.torrenthttpbridge.origin.OriginClientConfig;
import io.github.torrenthttpbridge.torrent.HashProgress;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import io.github.torrenthttpbridge.torrent.TorrentVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Stream URL once, hash it and write a .torrent (web seed = URL unless --no-webseed). Several URLs"
                + " and --name make one multi-file torrent.")
final class CreateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "URL", description = "http(s) URL of the file (several: one torrent of them all, named --name)")
    List<URI> urls;

    @Option(names = "--name", paramLabel = "NAME", description = "make a multi-file torrent named NAME (the directory clients save the files in); each file is named after its URL's last segment")
    String name;

    @Option(names = "--torrent-version", paramLabel = "V", defaultValue = "v1", description = "v1, hybrid (v1 + BEP 52 v2) or v2 (default ${DEFAULT-VALUE})")
    String version;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "where to write the .torrent (default: NAME.torrent)")
    Path output;

    @Option(names = "--piece-size", paramLabel = "BYTES", description = "power of two, 16384..16777216 (default: automatic, ~1000-2000 pieces)")
    long pieceSize;

    @Option(names = "--tracker", paramLabel = "URL", description = "announce URL (repeatable)")
    List<String> trackers = new ArrayList<>();

    @Option(names = "--no-webseed", description = "do not list URL as a web seed (url-list)")
    boolean noWebseed;

    @Override
    public Integer call() throws Exception {
        TorrentVersion v = TorrentVersion.parse(version);
        TorrentMetadata t;
        if (name == null && urls.size() == 1) {
            t = create(urls.get(0), pieceSize, v, trackers, !noWebseed, System.err).torrent();
        } else {
            t = createMulti(name, urls, pieceSize, v, trackers, !noWebseed, System.err).torrent();
        }
        Path out = output != null ? output : Path.of(t.name() + ".torrent");
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".torrent-", ".tmp");
        Files.write(tmp, t.encoded());
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        PrintStream o = System.out;
        o.println("torrent:  " + out);
        o.println("infohash: " + t.infoHash().hex());
        o.println("magnet:   " + t.magnetLink());
        return 0;
    }

    static CreatedTorrent create(URI url, long pieceSize, List<String> trackers, boolean webseed, PrintStream progress) {
        return create(url, pieceSize, TorrentVersion.V1, trackers, webseed, progress);
    }

    static CreatedTorrent create(URI url, long pieceSize, TorrentVersion version, List<String> trackers, boolean webseed,
                                 PrintStream progress) {
        Cli.checkUrl(url);
        TorrentCreator.Options options = options(pieceSize, version, trackers, webseed ? List.of(url.toString()) : List.of());
        try (OriginClient client = new OriginClient(OriginClientConfig.defaults())) {
            return UrlTorrentCreator.create(client, url, options, new ProgressPrinter(progress));
        }
    }

    /**
     * One multi-file torrent named {@code name} of several URLs. Its web seed (BEP 19) is {@code BASE/} when every URL
     * is {@code BASE/name/FILE}; otherwise it has none (said on {@code progress}).
     */
    static UrlFiles.Made createMulti(String name, List<URI> urls, long pieceSize, TorrentVersion version, List<String> trackers,
                                     boolean webseed, PrintStream progress) throws java.io.IOException {
        if (name == null) {
            throw new IllegalArgumentException("several URLs make one multi-file torrent: name it with --name");
        }
        if (name.isBlank() || !TorrentCreator.safeName(name).equals(name)) {
            throw new IllegalArgumentException("--name must be a plain file name (no '/', '\\' or control characters), got '" + name + "'");
        }
        java.util.Map<String, URI> files = UrlFiles.byName(urls);
        List<String> seeds = webseed ? UrlFiles.webSeed(name, files) : List.of();
        if (webseed && seeds.isEmpty()) {
            progress.println("note: no web seed: BEP 19 needs every URL to be BASE/" + name + "/FILE for one BASE");
        }
        try (OriginClient client = new OriginClient(OriginClientConfig.defaults())) {
            return UrlFiles.create(name, urls, options(pieceSize, version, trackers, seeds), client, progress);
        }
    }

    private static TorrentCreator.Options options(long pieceSize, TorrentVersion version, List<String> trackers, List<String> webSeeds) {
        return TorrentCreator.Options.defaults()
                .withPieceSize(pieceSize == 0 ? 0 : io.github.torrenthttpbridge.torrent.PieceSize.validate(pieceSize))
                .withTrackers(trackers)
                .withWebSeeds(webSeeds)
                .withVersion(version);
    }

    /** Prints hashing progress on one line of stderr. */
    static final class ProgressPrinter implements io.github.torrenthttpbridge.torrent.ProgressListener {
        private final PrintStream out;

        ProgressPrinter(PrintStream out) {
            this.out = out;
        }

        @Override
        public void onProgress(HashProgress p) {
            out.printf("\rhashing: %5.1f%%  %,d / %,d bytes  %.0f MiB/s", p.percent(), p.bytesDone(), p.bytesTotal(), p.mibPerSecond());
            if (p.isDone()) {
                out.println();
            }
            out.flush();
        }
    }
}
