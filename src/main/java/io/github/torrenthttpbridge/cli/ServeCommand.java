package io.github.torrenthttpbridge.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run a web application directory (default: webapp) on embedded Jetty 12 with the bridge live.")
final class ServeCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "WEBAPP_DIR", defaultValue = "webapp",
            description = "web application directory with WEB-INF/web.xml (default ${DEFAULT-VALUE})")
    Path webapp;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "0.0.0.0", description = "HTTP address (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--data", paramLabel = "DIR", description = "where the demo files and their torrents are kept (default: <tmp>/torrent-http-bridge-demo)")
    Path data;

    @Option(names = "--torrent-port", paramLabel = "N", description = "overrides torrent-bridge.port")
    Integer torrentPort;

    @Option(names = "--dht-port", paramLabel = "N", description = "overrides torrent-bridge.dht-port")
    Integer dhtPort;

    @Option(names = "--no-dht", description = "overrides torrent-bridge.dht with false")
    boolean noDht;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "overrides any torrent-bridge.* parameter (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>(params);
        if (torrentPort != null) {
            overrides.put("torrent-bridge.port", torrentPort.toString());
        }
        if (dhtPort != null) {
            overrides.put("torrent-bridge.dht-port", dhtPort.toString());
        }
        if (noDht) {
            overrides.put("torrent-bridge.dht", "false");
        }
        Path dataDir = data != null ? data : Path.of(System.getProperty("java.io.tmpdir"), "torrent-http-bridge-demo");
        // keep the demo's torrents beside its files, so a restart re-registers them without hashing
        overrides.putIfAbsent("torrent-bridge.metadata-dir", dataDir.resolve("metadata").toAbsolutePath().toString());
        ShutdownWait shutdown = new ShutdownWait("serve-shutdown");
        try (DemoServer demo = DemoServer.start(webapp, dataDir, host, port, overrides)) {
            shutdown.serving("demo page:    " + demo.url(), demo.url(), demo.bridge().torrentPort());
        } finally {
            shutdown.done();
        }
        return 0;
    }
}
