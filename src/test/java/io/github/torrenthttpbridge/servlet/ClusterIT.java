package io.github.torrenthttpbridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances of one site (each its own JVM with embedded Jetty, the same webapp, one shared metadata directory,
 * each bridge on its own loopback address: 127.0.0.1, .2, .3) co-seed one swarm: a file is hashed once for the whole
 * cluster, a claimer killed with SIGKILL mid-hash is taken over, and one libtorrent leecher (web seeds off) finds all
 * three bridges through one instance's built-in tracker and through Debian's opentracker, and gets bytes from each.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ClusterIT {
    static final String[] PEER_HOSTS = {"127.0.0.1", "127.0.0.2", "127.0.0.3"};
    static final long HUGE = 4L * 1024 * 1024 * 1024;   // sparse: no disk used, hashing takes seconds
    static final int PIECE = 1 << 20;
    /**
     * The leecher's download link, MiB/s. Without a limit, the three bridge JVMs compete for this machine's two shared
     * cores and each bridge's share measures the CPU its JVM got (libtorrent gives each peer requests in proportion
     * to the rate it delivers); with the leecher's link as the bottleneck, as for most real leechers, the shares show
     * whether a bridge is starved by something of its own (choking, refused requests, a fetch that never ends).
     */
    static final int LEECHER_MIB_PER_SECOND = 6;

    @TempDir
    Path dir;

    private final List<AutoCloseable> started = new ArrayList<>();

    record Instance(Processes.Background process, URI base) {
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : started) {
            c.close();
        }
    }

    Instance start(SiteFixture f, int i, Map<String, String> extra) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI base = URI.create("http://127.0.0.1:" + port);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SiteServerMain.class.getName(),
                f.root.toString(), Integer.toString(port), "500"));
        Map<String, String> p = SiteFixture.params(f);   // the shared metadata directory
        p.put("torrent-bridge.bind", PEER_HOSTS[i]);
        p.put("torrent-bridge.disk-cache-dir", dir.resolve("cache-" + i).toString());   // each its own, on local disk
        p.put("torrent-bridge.disk-cache-mib", "64");
        p.put("torrent-bridge.origin", base.toString());
        p.put("torrent-bridge.piece-size", Integer.toString(PIECE));
        p.put("torrent-bridge.hash-lease", "5");
        p.putAll(extra);
        p.values().removeIf(String::isEmpty);   // an extra "" leaves a parameter at its default
        p.forEach((k, v) -> cmd.add(k + "=" + v));
        Processes.Background proc = Processes.start(cmd);
        started.add(proc);
        proc.await("\"port\": (\\d+)", Duration.ofSeconds(60));
        return new Instance(proc, base);
    }

    List<Instance> startCluster(SiteFixture f, Map<String, String> extra) throws Exception {
        List<Instance> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.add(start(f, i, extra));
        }
        return all;
    }

    static String status(Instance i) throws Exception {
        return new String(SiteFixture.get(i.base.resolve("/torrent-bridge/?format=json")).body(), StandardCharsets.UTF_8);
    }

    @Test
    void oneHashingJobForTheClusterAndAKilledClaimerIsTakenOver() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        try (RandomAccessFile raf = new RandomAccessFile(f.root.resolve("files/huge.bin").toFile(), "rw")) {
            raf.setLength(HUGE);
        }
        List<Instance> cluster = startCluster(f, Map.of());

        // 30 concurrent ?torrent requests spread over the three instances
        ExecutorService pool = Executors.newFixedThreadPool(30);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int r = 0; r < 30; r++) {
            Instance to = cluster.get(r % 3);
            answers.add(pool.submit(() -> {
                go.await();
                return SiteFixture.get(to.base.resolve("/files/big.bin?torrent")).statusCode();
            }));
        }
        go.countDown();
        List<Integer> codes = new ArrayList<>();
        for (Future<Integer> a : answers) {
            codes.add(a.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertTrue(codes.stream().allMatch(c -> c == 200 || c == 202), "every answer is 200 or 202: " + codes);
        TorrentMetadata first = null;
        for (Instance i : cluster) {
            HttpResponse<byte[]> r = SiteFixture.torrentWhenReady(i.base.resolve("/files/big.bin?torrent"));
            assertEquals(200, r.statusCode(), i.base + " serves the torrent");
            TorrentMetadata t = TorrentMetadata.parse(r.body());
            if (first == null) {
                first = t;
            }
            assertEquals(first.infoHash(), t.infoHash(), "every instance serves the same torrent");
        }
        long hashes = 0;
        List<Long> perInstance = new ArrayList<>();
        for (Instance i : cluster) {
            long n = SiteFixture.jsonLong(status(i), "hashesRun");
            perInstance.add(n);
            hashes += n;
        }
        System.out.printf("30 concurrent requests (answers %s): hashes run per instance %s%n", codes, perInstance);
        assertEquals(1, hashes, "exactly one hashing job in the whole cluster, per instance: " + perInstance);

        // the claimer of huge.bin is killed with SIGKILL mid-hash: another instance finishes it
        assertEquals(202, SiteFixture.get(cluster.get(0).base.resolve("/files/huge.bin?torrent")).statusCode());
        double pct = awaitPercent(cluster.get(0), 3, Duration.ofSeconds(120));
        cluster.get(0).process.kill();
        System.out.printf("killed -9 the claimer at %.1f%% of hashing huge.bin%n", pct);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        HttpResponse<byte[]> done = null;
        List<Integer> meanwhile = new ArrayList<>();
        for (int n = 1; done == null; n++) {
            assertTrue(System.nanoTime() < deadline, "huge.bin was never finished by another instance: " + meanwhile);
            HttpResponse<byte[]> r = SiteFixture.get(cluster.get(1 + n % 2).base.resolve("/files/huge.bin?torrent"));
            if (r.statusCode() == 200) {
                done = r;
            } else {
                meanwhile.add(r.statusCode());
                Thread.sleep(250);
            }
        }
        assertTrue(meanwhile.stream().allMatch(c -> c == 202), "202 while it was hashed: " + meanwhile);
        TorrentMetadata huge = TorrentMetadata.parse(done.body());
        assertEquals(HUGE, huge.length());
        byte[] zeros = new byte[huge.pieceLength()];
        assertTrue(huge.pieceHashMatches(0, MessageDigest.getInstance("SHA-1").digest(zeros)));
        assertTrue(huge.pieceHashMatches(huge.pieceCount() - 1, MessageDigest.getInstance("SHA-1").digest(zeros)));
        long survivors = SiteFixture.jsonLong(status(cluster.get(1)), "hashesRun") + SiteFixture.jsonLong(status(cluster.get(2)), "hashesRun");
        assertEquals(hashes + 1, survivors + perInstance.get(0), "one of the survivors took huge.bin over, once");
        // the other survivor serves it too, without hashing
        for (Instance i : cluster.subList(1, 3)) {
            HttpResponse<byte[]> r = SiteFixture.torrentWhenReady(i.base.resolve("/files/huge.bin?torrent"));
            assertEquals(200, r.statusCode());
            assertEquals(huge.infoHash(), TorrentMetadata.parse(r.body()).infoHash(), "the same torrent, with this instance's URLs");
        }
        assertEquals(hashes + 1, SiteFixture.jsonLong(status(cluster.get(1)), "hashesRun")
                + SiteFixture.jsonLong(status(cluster.get(2)), "hashesRun") + perInstance.get(0));
        // nothing half-written or left claimed in the shared directory
        try (Stream<Path> files = Files.list(f.metadata)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().noneMatch(n -> n.contains(".claim.") || n.endsWith(".pending")), names.toString());
            for (String n : names) {
                if (n.endsWith(".info")) {
                    TorrentCreator.fromInfo(Files.readAllBytes(f.metadata.resolve(n)), TorrentCreator.Options.defaults());
                }
            }
        }
    }

    @Test
    void twoInstancesSharingTheMetadataDirectoryStartWithTheDefaultDiskCache() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        Map<String, String> defaults = Map.of("torrent-bridge.disk-cache-dir", "");
        List<Instance> two = List.of(start(f, 0, defaults), start(f, 1, defaults));
        TorrentMetadata first = null;
        for (Instance i : two) {
            HttpResponse<byte[]> r = SiteFixture.torrentWhenReady(i.base.resolve("/files/big.bin?torrent"));
            assertEquals(200, r.statusCode(), i.base + " has a bridge and serves the torrent");
            TorrentMetadata t = TorrentMetadata.parse(r.body());
            first = first == null ? t : first;
            assertEquals(first.infoHash(), t.infoHash());
            assertTrue(status(i).contains("\"diskBytes\""), status(i));
        }
        try (Stream<Path> files = Files.list(f.metadata)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().noneMatch(n -> n.contains("cache")), "no disk cache in the shared directory: " + names);
        }
        for (Instance i : two) {
            assertTrue(i.process.isAlive(), i.base + " still runs");
        }
    }

    @Test
    void everyBridgeIsFoundAndUsedThroughTheBuiltInTrackerAndThroughOpentracker() throws Exception {
        SiteFixture f = new SiteFixture(dir);
        TorrentMetadata expected;
        try (InputStream in = Files.newInputStream(f.root.resolve("files/big.bin"))) {
            expected = TorrentCreator.create(in, SiteFixture.BIG, "big.bin",
                    TorrentCreator.Options.defaults().withPieceSize(PIECE), p -> { });
        }
        // opentracker tracks only whitelisted info hashes and refuses to run as root: -w, -u nobody
        Path ot = Files.createDirectories(dir.resolve("opentracker"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(ot, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(ot.resolve("whitelist"), expected.infoHash().hex() + "\n");
        int otPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            otPort = s.getLocalPort();
        }
        Processes.Background tracker = Processes.start(List.of("opentracker", "-i", "127.0.0.1", "-p", String.valueOf(otPort),
                "-P", String.valueOf(otPort), "-d", ot.toString(), "-u", "nobody", "-w", "whitelist"));
        started.add(tracker);
        String otUrl = "http://127.0.0.1:" + otPort + "/announce";

        // each bridge's share of a download is what plain seeding gives; economically seeding instances show their
        // pieces each on its own (no coordination between instances yet), and one took 4.8 % in a CI run
        List<Instance> cluster = startCluster(f, Map.of("torrent-bridge.trackers", otUrl, "torrent-bridge.seeding", "plain"));
        byte[] torrent = null;
        for (Instance i : cluster) {   // a load balancer spreads the requests: each instance seeds the torrent
            HttpResponse<byte[]> r = SiteFixture.torrentWhenReady(i.base.resolve("/files/big.bin?torrent"));
            assertEquals(200, r.statusCode());
            assertEquals(expected.infoHash(), TorrentMetadata.parse(r.body()).infoHash());
            torrent = torrent == null ? r.body() : torrent;
        }
        for (Instance i : cluster) {
            awaitJson(i, "\"instances\":3", Duration.ofSeconds(60));
        }
        Path torrentFile = dir.resolve("big.torrent");
        Files.write(torrentFile, torrent);

        // (a) through the built-in tracker of one instance: it lists all three bridges
        String builtIn = cluster.get(0).base + "/torrent-bridge/announce";
        Map<String, Long> a;
        try {
            a = leech(f, torrentFile, "a", builtIn, true);
        } finally {
            for (Instance i : cluster) {
                System.out.println(i.base + " " + status(i));
            }
        }
        // (b) through opentracker, which every bridge announced to from its own address
        awaitSeeders(otPort, expected, 3, Duration.ofSeconds(60));
        Map<String, Long> b = leech(f, torrentFile, "b", otUrl, false);
        System.out.printf("bytes per bridge: built-in tracker %s; opentracker %s%n", a, b);
    }

    /** Runs the leecher with only {@code trackerUrl}; checks the bytes and each bridge's share; returns bytes per IP. */
    Map<String, Long> leech(SiteFixture f, Path torrentFile, String name, String trackerUrl, boolean loopbackTracker)
            throws Exception {
        Path save = Files.createDirectories(dir.resolve("dl-" + name));
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent",
                torrentFile.toString(), "--save", save.toString(), "--only-tracker", trackerUrl, "--timeout", "120",
                "--report-every", "0.5", "--max-rate-mib", String.valueOf(LEECHER_MIB_PER_SECOND)));
        if (loopbackTracker) {
            cmd.add("--tracker-on-loopback");
        }
        Processes.Result r = Processes.run(cmd, Duration.ofSeconds(180));
        assertEquals("true", r.json("ok"), r.lastLine() + "\n" + r.stderr());
        assertEquals(Digests.sha256(f.root.resolve("files/big.bin")), Digests.sha256(save.resolve("big.bin")),
                "the bytes are identical (" + name + ")");
        Map<String, Long> byIp = bytesByIp(r.lastLine());
        for (String host : PEER_HOSTS) {
            long got = byIp.getOrDefault(host, 0L);
            assertTrue(got >= SiteFixture.BIG * 15 / 100, "(" + name + ") the bridge on " + host + " sent "
                    + got + " bytes, less than 15 % of " + SiteFixture.BIG + ": " + byIp + "\n" + r.lastLine() + "\n" + r.stderr());
        }
        return byIp;
    }

    static Map<String, Long> bytesByIp(String json) {
        Matcher section = Pattern.compile("\"bytes_by_ip\": \\{([^}]*)\\}").matcher(json);
        assertTrue(section.find(), json);
        Map<String, Long> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\"([^\"]+)\": (\\d+)").matcher(section.group(1));
        while (m.find()) {
            out.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return out;
    }

    /** Waits until opentracker counts {@code n} seeds of the torrent (its scrape). */
    static void awaitSeeders(int port, TorrentMetadata t, int n, Duration timeout) throws Exception {
        StringBuilder q = new StringBuilder();
        for (byte b : t.infoHash().bytes()) {
            q.append('%').append(String.format("%02X", b & 0xff));
        }
        URI scrape = URI.create("http://127.0.0.1:" + port + "/scrape?info_hash=" + q);
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = new String(SiteFixture.get(scrape).body(), StandardCharsets.ISO_8859_1);
                if (last.contains("8:completei" + n + "e")) {
                    return;
                }
            } catch (java.io.IOException e) {
                last = e.toString();   // opentracker still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("opentracker never counted " + n + " seeds: " + last);
    }

    static void awaitJson(Instance i, String fragment, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String json = "";
        while (System.nanoTime() < deadline) {
            json = status(i);
            if (json.contains(fragment)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(i.base + " never showed " + fragment + ": " + json);
    }

    /** Waits until huge.bin's hashing on {@code i} passes {@code min} percent; returns the percentage seen. */
    static double awaitPercent(Instance i, double min, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Pattern p = Pattern.compile("\"file\":\"/files/huge.bin\",\"state\":\"hashing\",\"percent\":([0-9.]+)");
        while (System.nanoTime() < deadline) {
            Matcher m = p.matcher(status(i));
            if (m.find() && Double.parseDouble(m.group(1)) >= min) {
                double pct = Double.parseDouble(m.group(1));
                assertTrue(pct < 95, "hashing went too fast to kill it midway: " + pct + "%");
                return pct;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("huge.bin never got past " + min + "%: " + status(i));
    }
}
