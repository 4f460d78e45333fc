package io.github.torrenthttpbridge.cli;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.bridge.CreatedTorrent;
import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.bridge.SeedStats;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.origin.OriginClient;
import io.github.torrenthttpbridge.origin.OriginClientConfig;
import io.github.torrenthttpbridge.origin.OriginResource;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.github.torrenthttpbridge.servlet.BridgeSettings;
import io.github.torrenthttpbridge.settings.Setting;
import io.github.torrenthttpbridge.settings.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "seed", mixinStandardHelpOptions = true,
        description = "Seed URL over BitTorrent until SIGINT/SIGTERM, fetching verified pieces with Range requests. Several"
                + " URLs and --name seed one multi-file torrent.")
final class SeedCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "URL", description = "http(s) URL of the file; the server must answer Range requests with 206"
            + " (several: one torrent of them all, named --name, or the files of --torrent matched by their names)")
    List<URI> urls;

    @Option(names = "--name", paramLabel = "NAME", description = "when hashing, make a multi-file torrent named NAME")
    String name;

    @Option(names = "--torrent", paramLabel = "FILE", description = "the .torrent of the file (default: hash the URL now)")
    Path torrentFile;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "DHT bootstrap node (repeatable)")
    List<String> bootstrap = new ArrayList<>();

    @Option(names = "--no-public-routers", description = "do not bootstrap the DHT from the public routers")
    boolean noPublicRouters;

    @Option(names = "--no-dht", description = "do not join the DHT")
    boolean noDht;

    @Option(names = "--no-webseed", description = "when hashing the URL, do not list it as a web seed")
    boolean noWebseed;

    @Spec
    CommandSpec spec;

    private static final Logger LOG = LoggerFactory.getLogger(SeedCommand.class);

    @Override
    public Integer call() throws Exception {
        urls.forEach(Cli::checkUrl);
        URI url = urls.get(0);
        boolean multi = urls.size() > 1 || name != null;
        BridgeSettings settings = settings();
        int pieceSize = settings.pieceSize();
        TorrentMetadata torrent;
        OriginResource hashedFrom = null;
        UrlFiles.Made files = null;
        io.github.torrenthttpbridge.torrent.TorrentVersion v = settings.torrentVersion();
        if (torrentFile != null) {
            torrent = TorrentMetadata.parse(Files.readAllBytes(torrentFile));
            if (torrent.isMultiFile() || urls.size() > 1) {
                files = UrlFiles.inOrder(torrent, UrlFiles.byName(urls), java.util.Map.of());
            }
        } else if (multi) {
            files = CreateCommand.createMulti(name, urls, pieceSize, v, List.of(), settings.webSeed(), System.err);
            torrent = files.torrent();
        } else {
            CreatedTorrent created = CreateCommand.create(url, pieceSize, v, List.of(), settings.webSeed(), System.err);
            torrent = created.torrent();
            hashedFrom = created.origin();
        }
        // fail fast, before any port is opened, if the origin cannot be bridged
        try (OriginClient probe = new OriginClient(OriginClientConfig.defaults())) {
            if (files == null) {
                probe.probe(url, torrent.length());
            } else {
                List<io.github.torrenthttpbridge.torrent.TorrentFile> real = torrent.files().stream().filter(f -> !f.pad()).toList();
                for (int i = 0; i < real.size(); i++) {
                    if (real.get(i).length() > 0) {
                        probe.probe(files.urls().get(i), real.get(i).length());
                    }
                }
            }
        }
        BridgeConfig.Builder config = settings.bridgeConfig();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        try (TorrentBridge bridge = TorrentBridge.start(config.build())) {
            Thread hook = new Thread(() -> {
                stop.countDown();
                try {
                    stopped.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "seed-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            SeedHandle handle = files == null ? bridge.seed(url, torrent, hashedFrom)
                    : bridge.seed(files.urls(), torrent, files.origins().contains(null) ? null : files.origins());
            Optional<String> nodeId = waitForNodeId(bridge);
            PrintStream o = System.out;
            o.println("torrent port: " + bridge.torrentPort());
            o.println("dht node id:  " + (noDht ? "(dht off)" : nodeId.orElse("(dht starting)")));
            o.println("peer id:      " + bridge.peerIdHex());
            o.println("infohash:     " + torrent.infoHash().hex());
            o.println("magnet:       " + handle.magnetLink());
            o.println("seeding; press Ctrl-C to stop");
            o.flush();
            while (!stop.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                SeedStats s = handle.stats();
                LOG.info(summary(torrent.name(), s, bridge.counters()) + handle.staleReason().map(r -> ", STALE: " + r).orElse(""));
            }
            SeedStats s = handle.stats();
            LOG.info("shutting down; " + summary(torrent.name(), s, bridge.counters()));
        } finally {
            stopped.countDown();
        }
        return 0;
    }

    /**
     * Adds a flag {@code --KEY} for each setting of the table that applies to {@code seed} ({@link Setting.Use#SEED}),
     * with the row's documentation and default.
     */
    static void addSettingFlags(CommandSpec spec) {
        for (Setting s : Settings.all()) {
            if (s.appliesTo(Setting.Use.SEED)) {
                spec.addOption(OptionSpec.builder("--" + s.key()).type(String.class).paramLabel(s.paramLabel())
                        .description(s.doc().replace("%", "%%") + (s.shownDefault().isEmpty() ? "" : " (default "
                                + s.shownDefault().replace("%", "%%") + ")")).build());
            }
        }
    }

    /** The flags as settings, checked by the table's rows; a bad value names its flag. */
    BridgeSettings settings() {
        Map<String, String> given = new LinkedHashMap<>();
        for (Setting s : Settings.all()) {
            OptionSpec o = spec.findOption("--" + s.key());
            if (o != null && o.getValue() != null) {
                given.put(s.name(), o.getValue());
            }
        }
        if (!bootstrap.isEmpty()) {
            given.put(Settings.DHT_BOOTSTRAP.name(), String.join(",", bootstrap));
        }
        if (noDht) {
            given.put(Settings.DHT.name(), "false");
        }
        if (noPublicRouters) {
            given.put(Settings.DHT_PUBLIC_ROUTERS.name(), "false");
        }
        if (noWebseed) {
            given.put(Settings.WEBSEED.name(), "false");
        }
        try {
            return BridgeSettings.parse(given, Path.of(System.getProperty("java.io.tmpdir")), "flag");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replaceAll("\\b" + java.util.regex.Pattern.quote(Setting.PREFIX)
                    + "([a-z0-9-]+)", "--$1"), e);
        }
    }

    /** One line of figures: what was served, what the origin was asked for, and where reads were answered. */
    static String summary(String name, SeedStats s, io.github.torrenthttpbridge.bridge.BridgeCounters c) {
        return String.format(java.util.Locale.ROOT, "%s: %d peers, %d bytes uploaded, %d fetched from the origin in %d requests"
                        + " (origin/uploaded %s), cache hits memory %d / disk %d, %d pieces verified, %d failures (disk %d);"
                        + " memory %d MiB, disk %d of %d MiB",
                name, s.peers(), s.uploaded(), s.originBytes(), s.originRequests(),
                s.uploaded() == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.3f", s.originRatio()),
                s.cacheHits(), s.diskHits(), s.piecesVerified(), s.verificationFailures(), s.diskFailures(),
                c.memoryBytes() >> 20, c.diskBytes() >> 20, c.diskMaxBytes() >> 20);
    }

    private Optional<String> waitForNodeId(TorrentBridge bridge) throws InterruptedException {
        if (noDht) {
            return Optional.empty();
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        Optional<String> id = bridge.dhtNodeIdHex();
        while (id.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            id = bridge.dhtNodeIdHex();
        }
        return id;
    }
}
