package io.github.torrenthttpbridge.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import io.github.torrenthttpbridge.proxy.TorrentProxy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run the bridge in front of any HTTP server (nginx, Apache, ...): a reverse proxy to --upstream that adds"
                + " ?torrent, ?magnet, Link headers, page links, folder torrents (from the upstream's directory index), the"
                + " status page and tracker at /torrent-bridge/, and seeds the upstream's files.")
final class ProxyCommand implements Callable<Integer> {
    @Option(names = "--upstream", required = true, paramLabel = "URL", description = "the HTTP(S) server whose files are bridged")
    URI upstream;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "HTTP port of the proxy (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "0.0.0.0", description = "HTTP address (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--data", paramLabel = "DIR", description = "where torrents are kept across restarts"
            + " (torrent-bridge.metadata-dir; default: <tmp>/torrent-http-bridge-proxy)")
    Path data;

    @Option(names = "--trust-forwarded", description = "take visitors' addresses from X-Forwarded-For/Forwarded (a sidecar"
            + " behind nginx or Apache; only where nothing else reaches --host:--port), for the built-in tracker")
    boolean trustForwarded;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "any torrent-bridge.* parameter of the filter (repeatable),"
            + " e.g. torrent-bridge.public-url=https://downloads.example.org")
    Map<String, String> params = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Cli.checkUrl(upstream);
        Map<String, String> p = new LinkedHashMap<>(params);
        Path dataDir = data != null ? data : Path.of(System.getProperty("java.io.tmpdir"), "torrent-http-bridge-proxy");
        p.putIfAbsent("torrent-bridge.metadata-dir", dataDir.toAbsolutePath().toString());
        ShutdownWait shutdown = new ShutdownWait("proxy-shutdown");
        try (TorrentProxy proxy = TorrentProxy.start(upstream, host, port, p, trustForwarded)) {
            shutdown.serving("proxy:        " + proxy.url() + " -> " + upstream, proxy.url(), proxy.bridge().torrentPort());
        } finally {
            shutdown.done();
        }
        return 0;
    }
}
