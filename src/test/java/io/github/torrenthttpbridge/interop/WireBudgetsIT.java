package io.github.torrenthttpbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.FileOrigin;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every remote input has a budget: each attack of {@link Attacker} (and all five at once) against the demo site
 * running with the bridge in a <b>256 MiB heap</b>, default settings but for the per-IP limits (everyone is
 * 127.0.0.1 here), the origin a real Jetty file server whose written bytes are counted. Beside each attack an honest
 * libtorrent leecher (web seeds off) downloads a 256 MiB file from a cold bridge. Each test asserts: the site's JVM
 * is alive with no {@code OutOfMemoryError}, the leecher finishes with identical bytes at no less than half its
 * unattacked rate (measured first, same set-up), the origin sent at most 2x what the bridge delivered + 64 MiB, and
 * the attack shows on the status page under its reason. {@code bench/attacks.sh} prints the same figures unthrottled.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class WireBudgetsIT {
    static final int SIZE_MIB = 256;
    /**
     * The leecher's own download cap: the rate a downloader wants, which an attack must not take from it
     * ({@code -DwireBudgets.leechMiB=0}: none, as {@code bench/attacks.sh} runs it).
     */
    static final int LEECH_MIB_S = Integer.getInteger("wireBudgets.leechMiB", 48);
    static final long MIB = 1024 * 1024;

    static Path work;
    static Path file;
    static double unattacked;
    static final List<String> figures = new ArrayList<>();

    @BeforeAll
    static void fileAndUnattackedRate() throws Exception {
        work = Files.createTempDirectory("wire-budgets");
        file = work.resolve("big.bin");
        byte[] chunk = new byte[(int) MIB];
        Random r = new Random(17);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < SIZE_MIB; i++) {
                r.nextBytes(chunk);
                out.write(chunk);
            }
        }
        try (Site site = new Site("unattacked")) {
            unattacked = site.leech();
            figures.add(String.format(java.util.Locale.ROOT, "unattacked: %.1f MiB/s (leecher cap %s), heap after/before GC %s MiB",
                    unattacked, LEECH_MIB_S == 0 ? "none" : LEECH_MIB_S + " MiB/s", site.heapPeakMiB()));
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        figures.forEach(f -> System.out.println("wire budgets: " + f));
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void metadataFloodIsDropped() throws Exception {
        attack(List.of(Attacker.Kind.METADATA_FLOOD), 2, c -> c.dropped("flood") > 0, "dropped for flood");
    }

    @Test
    void requestsThatPinSpansWaitAsRequests() throws Exception {
        attack(List.of(Attacker.Kind.PINNED_SPANS), 3, c -> c.choked("origin_budget") + c.dropped("origin_churn") > 0,
                "choked or dropped for what it made the origin send");
    }

    @Test
    void requestCancelChurnIsChokedThenDropped() throws Exception {
        attack(List.of(Attacker.Kind.REQUEST_CANCEL), 3, c -> c.choked("origin_budget") + c.dropped("origin_churn") > 0,
                "choked or dropped for request/cancel churn");
    }

    @Test
    void idlePeersMakeRoomForAnHonestOne() throws Exception {
        // idle peers are evictable after 10 s: the honest leecher arrives when every slot has been held that long
        attack(List.of(Attacker.Kind.IDLE_SLOTS), 12, c -> c.dropped("evicted") > 0, "evicted");
    }

    @Test
    void encryptedHandshakeGarbageIsRateLimited() throws Exception {
        attack(List.of(Attacker.Kind.MSE_GARBAGE), 3, c -> c.refused("key_exchange_rate") > 0,
                "refused for the key-exchange rate");
    }

    @Test
    void allFiveAtOnce() throws Exception {
        attack(List.of(Attacker.Kind.values()), 12, c -> c.dropped("flood") > 0 && c.dropped("evicted") > 0
                        && c.refused("key_exchange_rate") > 0 && c.choked("origin_budget") + c.dropped("origin_churn") > 0,
                "every attack counted under its reason");
    }

    private void attack(List<Attacker.Kind> kinds, int warmUpSeconds, java.util.function.Predicate<Counts> counted,
                        String what) throws Exception {
        String name = kinds.size() == 1 ? kinds.get(0).toString() : "ALL";
        try (Site site = new Site(name)) {
            long originBefore = site.origin.sentBytes();
            List<Attacker> attackers = new ArrayList<>();
            for (Attacker.Kind k : kinds) {
                attackers.add(new Attacker(k, new InetSocketAddress("127.0.0.1", site.torrentPort), site.torrent).start());
            }
            double rate;
            try {
                Thread.sleep(warmUpSeconds * 1000L);
                rate = site.leech();
            } finally {
                for (Attacker a : attackers) {
                    a.close();
                }
            }
            long origin = site.origin.sentBytes() - originBefore;
            String json = site.status();
            long delivered = Counts.number(json, "uploaded");
            Counts c = new Counts(json);
            StringBuilder summary = new StringBuilder(String.format(java.util.Locale.ROOT,
                    "%s: honest %.1f MiB/s (%.2fx unattacked), origin %d MiB for %d MiB delivered (%.2f), heap after/before GC %s MiB;"
                            + " %s", name, rate, rate / unattacked, origin / MIB, delivered / MIB,
                    (double) origin / Math.max(1, delivered), site.heapPeakMiB(), c));
            for (Attacker a : attackers) {
                summary.append("; ").append(a.summary());
            }
            figures.add(summary.toString());
            System.out.println("wire budgets: " + summary);
            assertTrue(site.process.isAlive(), "the site's JVM is alive");
            String logs = site.process.stderr();
            assertFalse(logs.contains("OutOfMemoryError"), "no OutOfMemoryError in the site's output");
            assertTrue(rate >= 0.5 * unattacked, "the honest leecher keeps at least half its rate: " + summary);
            assertTrue(origin <= 2 * delivered + 64 * MIB, "origin bytes within 2x delivered + 64 MiB: " + summary);
            assertTrue(counted.test(c), what + ": " + summary);
        }
    }

    /** The demo site (CLI {@code serve}) in its own JVM with a 256 MiB heap, the origin a counting file server. */
    static final class Site implements AutoCloseable {
        final Path data;
        final FileOrigin origin;
        final Processes.Background process;
        final URI page;
        final int torrentPort;
        final TorrentMetadata torrent;
        final Path torrentFile;
        private final String name;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        Site(String name) throws Exception {
            this.name = name;
            data = Files.createDirectories(work.resolve("site-" + name));
            Path files = Files.createDirectories(data.resolve("files"));
            Files.createLink(files.resolve("big.bin"), file);
            origin = new FileOrigin(data);
            List<String> cmd = new ArrayList<>(Processes.cli("serve", "webapp", "--host", "127.0.0.1", "--port", "0",
                    "--data", data.toString(), "--torrent-port", "0", "--no-dht",
                    "--param", "torrent-bridge.bind=127.0.0.1",
                    "--param", "torrent-bridge.origin=" + origin.base(),
                    "--param", "torrent-bridge.piece-size=1048576",
                    "--param", "torrent-bridge.max-peers-per-ip=100000",
                    "--param", "torrent-bridge.max-handshakes-per-ip=100000"));
            cmd.add(1, "-Xmx256m");
            cmd.add(2, "-Xlog:gc:file=" + data.resolve("gc.log"));
            process = Processes.start(cmd);
            page = URI.create(process.await("demo page:\\s+(\\S+)", Duration.ofSeconds(60)));
            torrentPort = Integer.parseInt(process.await("torrent port:\\s+(\\d+)", Duration.ofSeconds(10)));
            byte[] t = torrentOf("files/big.bin");
            torrentFile = data.resolve("big.torrent");
            Files.write(torrentFile, t);
            torrent = TorrentMetadata.parse(t);
        }

        /** Asks for the file's torrent until it is hashed (202 meanwhile). */
        private byte[] torrentOf(String path) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(page.resolve(path + "?torrent"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() == 200) {
                    return r.body();
                }
                assertEquals(202, r.statusCode(), "while hashing: " + new String(r.body()));
                Thread.sleep(200);
            }
            throw new AssertionError("no torrent within 120 s");
        }

        /** An honest libtorrent leecher (web seeds off, capped at {@link #LEECH_MIB_S}): its rate, bytes checked. */
        double leech() throws Exception {
            Path save = Files.createDirectories(data.resolve("dl-" + System.nanoTime()));
            Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent",
                    torrentFile.toString(), "--save", save.toString(), "--peer", "127.0.0.1:" + torrentPort,
                    "--max-rate-mib", String.valueOf(LEECH_MIB_S), "--no-pex", "--timeout", "120"), Duration.ofSeconds(150));
            assertEquals("true", r.json("ok"), () -> name + ": " + r.lastLine() + "\n" + r.stderr() + "\nthe site's warnings:\n"
                    + warnings());
            assertEquals("0", r.json("hash_failures"), name);
            assertEquals(Digests.sha256(file), Digests.sha256(save.resolve("big.bin")), name + ": identical bytes");
            return Double.parseDouble(r.json("download_rate_mib_s"));
        }

        /**
         * From the GC log: the most heap in use after a collection (live data, MiB) and before one (how full G1 lets
         * the heap get), as "after/before"; "-" without a log.
         */
        String heapPeakMiB() throws IOException {
            Path log = data.resolve("gc.log");
            if (!Files.exists(log)) {
                return "-";
            }
            Matcher m = Pattern.compile("(\\d+)M->(\\d+)M").matcher(Files.readString(log));
            long before = 0;
            long after = 0;
            while (m.find()) {
                before = Math.max(before, Long.parseLong(m.group(1)));
                after = Math.max(after, Long.parseLong(m.group(2)));
            }
            return after + "/" + before;
        }

        /** The site's WARN and ERROR lines (its log is on stderr). */
        String warnings() {
            try {
                return process.stderr().lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
                        .limit(40).collect(java.util.stream.Collectors.joining("\n"));
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }

        String status() throws Exception {
            return http.send(HttpRequest.newBuilder(page.resolve("torrent-bridge/?format=json")).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        }

        @Override
        public void close() throws Exception {
            process.close();
            origin.close();
        }
    }

    /** The status page's counts by reason: {@code droppedBy}, {@code chokedBy}, {@code refusedBy}. */
    record Counts(Map<String, Long> droppedBy, Map<String, Long> chokedBy, Map<String, Long> refusedBy) {
        Counts(String json) {
            this(map(json, "droppedBy"), map(json, "chokedBy"), map(json, "refusedBy"));
        }

        long dropped(String reason) {
            return droppedBy.getOrDefault(reason, 0L);
        }

        long choked(String reason) {
            return chokedBy.getOrDefault(reason, 0L);
        }

        long refused(String reason) {
            return refusedBy.getOrDefault(reason, 0L);
        }

        static Map<String, Long> map(String json, String key) {
            Matcher m = Pattern.compile("\"" + key + "\":\\{([^}]*)}").matcher(json);
            assertTrue(m.find(), key + " on the status page: " + json);
            Map<String, Long> out = new TreeMap<>();
            Matcher e = Pattern.compile("\"([a-z_]+)\":(\\d+)").matcher(m.group(1));
            while (e.find()) {
                out.put(e.group(1), Long.parseLong(e.group(2)));
            }
            return out;
        }

        /** The first number named {@code key} in the torrents list (the only torrent with uploads: big.bin). */
        static long number(String json, String key) {
            Matcher m = Pattern.compile("\"file\":\"/files/big.bin\"[^}]*\"" + key + "\":(\\d+)").matcher(json);
            assertTrue(m.find(), key + " of big.bin on the status page: " + json);
            return Long.parseLong(m.group(1));
        }

        @Override
        public String toString() {
            return "dropped " + droppedBy + ", choked " + chokedBy + ", refused " + refusedBy;
        }
    }
}
