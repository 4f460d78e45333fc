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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Stream URL once, hash it and write a .torrent (web seed = URL unless --no-webseed).")
final class CreateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "URL", description = "http(s) URL of the file")
    URI url;

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
        CreatedTorrent created = create(url, pieceSize, trackers, !noWebseed, System.err);
        TorrentMetadata t = created.torrent();
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
        Cli.checkUrl(url);
        TorrentCreator.Options options = TorrentCreator.Options.defaults()
                .withPieceSize(pieceSize == 0 ? 0 : io.github.torrenthttpbridge.torrent.PieceSize.validate(pieceSize))
                .withTrackers(trackers)
                .withWebSeeds(webseed ? List.of(url.toString()) : List.of());
        try (OriginClient client = new OriginClient(OriginClientConfig.defaults())) {
            return UrlTorrentCreator.create(client, url, options, new ProgressPrinter(progress));
        }
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
