import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.torrent.Bencode;
import io.github.torrenthttpbridge.torrent.ProgressListener;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/**
 * One bridge, N registered torrents (all of one small file at URL, told apart by their names): prints the heap after
 * GC, live threads, idle CPU over 10 s, and writes one random torrent to OUT.torrent for a leecher to time.
 * Run: java -Xmx256m -cp target/torrent-http-bridge-cli.jar bench/ScaleBench.java URL FILE N OUT.torrent
 * It prints "ready PORT" and then waits for a line on stdin before closing the bridge.
 */
public class ScaleBench {
    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        byte[] data = Files.readAllBytes(Path.of(args[1]));
        int n = Integer.parseInt(args[2]);
        TorrentMetadata base = TorrentCreator.create(new ByteArrayInputStream(data), data.length, "f",
                TorrentCreator.Options.defaults(), ProgressListener.NONE);
        var mx = ManagementFactory.getMemoryMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (TorrentBridge bridge = TorrentBridge.start(BridgeConfig.builder().bindAddress(InetAddress.getLoopbackAddress())
                .port(0).dht(false).build())) {
            System.gc();
            long heap0 = mx.getHeapMemoryUsage().getUsed();
            long t0 = System.nanoTime();
            List<TorrentMetadata> some = new ArrayList<>();
            Random random = new Random(1);
            for (int i = 0; i < n; i++) {
                TorrentMetadata t = renamed(base, "file-" + i + ".bin");
                bridge.seed(url, t);
                if (random.nextInt(Math.max(1, n / 100)) == 0) {
                    some.add(t);
                }
                if ((i + 1) % 10_000 == 0) {
                    System.err.printf("%d registered, %.1f s%n", i + 1, (System.nanoTime() - t0) / 1e9);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.gc();
            Thread.sleep(500);
            System.gc();
            long heap = mx.getHeapMemoryUsage().getUsed();
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            long cpu0 = os.getProcessCpuTime();
            Thread.sleep(10_000);
            double idle = (os.getProcessCpuTime() - cpu0) / 1e9 / 10 * 100;
            TorrentMetadata pick = some.get(random.nextInt(some.size()));
            Files.write(Path.of(args[3]), pick.encoded());
            System.out.printf("torrents %d, registration %.2f ms each (incl. origin probe), heap after GC %.1f MiB "
                            + "(%.0f bytes/torrent), live threads %d, idle CPU %.2f %% of one core%n", n,
                    seconds * 1000 / n, heap / 1048576.0, (heap - heap0) / (double) n, threads, idle);
            System.out.println("ready " + bridge.torrentPort());
            System.out.flush();
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        }
    }

    /** The same pieces under another name: a different info hash, no hashing. */
    static TorrentMetadata renamed(TorrentMetadata base, String name) {
        Map<String, Object> info = new TreeMap<>();
        info.put("length", base.length());
        info.put("name", name);
        info.put("piece length", (long) base.pieceLength());
        byte[] pieces = new byte[20 * base.pieceCount()];
        for (int i = 0; i < base.pieceCount(); i++) {
            System.arraycopy(base.pieceHash(i), 0, pieces, 20 * i, 20);
        }
        info.put("pieces", pieces);
        return TorrentMetadata.parse(Bencode.encode(Map.of("info", info)));
    }
}
