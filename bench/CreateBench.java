import java.net.URI;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.torrent.ProgressListener;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentVersion;

/**
 * Creation speed in a warm JVM (how the library and the filter run): hashes URL N times, prints each run's MiB/s and,
 * last, the best. Run: java -cp target/torrent-http-bridge-cli.jar bench/CreateBench.java URL [N [v1|hybrid|v2]]
 */
public class CreateBench {
    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        TorrentCreator.Options options = TorrentCreator.Options.defaults()
                .withVersion(TorrentVersion.parse(args.length > 2 ? args[2] : "v1"));
        double best = 0;
        try (TorrentBridge bridge = TorrentBridge.start(BridgeConfig.builder().port(0).dht(false)
                .bindAddress(java.net.InetAddress.getLoopbackAddress()).build())) {
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                var made = bridge.createTorrent(url, options, ProgressListener.NONE);
                double s = (System.nanoTime() - t0) / 1e9;
                double mib = made.torrent().length() / 1048576.0 / s;
                System.err.printf("run %d: %.0f MiB/s%n", i + 1, mib);
                best = Math.max(best, mib);
            }
        }
        System.out.printf("%.0f%n", best);
    }
}
