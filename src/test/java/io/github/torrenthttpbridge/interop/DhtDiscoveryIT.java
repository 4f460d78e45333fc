package io.github.torrenthttpbridge.interop;

import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.ProgressListener;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real client finds the bridge through the Mainline DHT alone.
 *
 * <p>Why a network namespace: mldht (bundled in bt-dht) only runs its DHT server on a globally routable
 * address and never on loopback (found by experiment: with 127.0.0.1 it starts 0 servers, and lookups wait
 * for an active server forever). So the test makes an isolated namespace whose only interface is its own
 * loopback, carrying the public-looking address 11.11.0.1 and a default route, and runs everything inside:
 * a libtorrent DHT node as the private router, a Jetty origin, the bridge (the CLI), and a libtorrent
 * leecher that knows only the .torrent and the router. Nothing leaves the namespace.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DhtDiscoveryIT {
    static final String ADDR = "11.11.0.1";
    @TempDir
    Path dir;
    String ns;
    final List<Processes.Background> running = new ArrayList<>();

    @BeforeEach
    void namespace() throws Exception {
        ns = "thb-dht-" + ProcessHandle.current().pid();
        sh("ip", "netns", "add", ns);
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "-n", ns, "addr", "add", ADDR + "/32", "dev", "lo");
        sh("ip", "-n", ns, "route", "add", "default", "dev", "lo", "src", ADDR);
    }

    @AfterEach
    void cleanup() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        Processes.run(List.of("ip", "netns", "del", ns), Duration.ofSeconds(20));
    }

    static void sh(String... cmd) throws Exception {
        Processes.Result r = Processes.run(List.of(cmd), Duration.ofSeconds(20));
        assertEquals(0, r.exitCode(), String.join(" ", cmd) + ": " + r.stderr());
    }

    List<String> inNs(String... cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return c;
    }

    Processes.Background bg(List<String> cmd) throws Exception {
        Processes.Background b = Processes.start(cmd);
        running.add(b);
        return b;
    }

    @Test
    void libtorrentFindsTheBridgeThroughTheDht() throws Exception {
        findThroughTheDht(io.github.torrenthttpbridge.torrent.TorrentVersion.V1, (t, torrent) -> List.of("--torrent", torrent.toString()));
    }

    /** A hybrid is announced under its v2 hash too: a client with only a v2 magnet (urn:btmh) finds the bridge. */
    @Test
    void aV2MagnetFindsAHybridThroughTheDht() throws Exception {
        findThroughTheDht(io.github.torrenthttpbridge.torrent.TorrentVersion.HYBRID, (t, torrent) -> List.of("--magnet",
                "magnet:?xt=urn:btmh:1220" + java.util.HexFormat.of().formatHex(t.v2InfoHash().orElseThrow()) + "&dn=dht.bin"));
    }

    private void findThroughTheDht(io.github.torrenthttpbridge.torrent.TorrentVersion version,
                                   java.util.function.BiFunction<TorrentMetadata, Path, List<String>> source) throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] data = new byte[16 * 1024 * 1024];
        new Random(16).nextBytes(data);
        Path file = www.resolve("dht.bin");
        Files.write(file, data);
        TorrentMetadata t;
        try (InputStream in = Files.newInputStream(file)) {
            t = TorrentCreator.create(in, data.length, "dht.bin", TorrentCreator.Options.defaults().withVersion(version),
                    ProgressListener.NONE);
        }
        Path torrent = dir.resolve("dht.torrent");
        Files.write(torrent, t.encoded());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");

        String routerPort = bg(inNs("/usr/bin/python3", Processes.python("dht_node.py"), "--bind", ADDR, "--timeout", "150"))
                .await("\"port\": (\\d+)", Duration.ofSeconds(20));
        String originPort = bg(inNs(java, "-cp", cp, "io.github.torrenthttpbridge.testing.FileOrigin", www.toString(), "150"))
                .await("\"port\": (\\d+)", Duration.ofSeconds(30));
        Processes.Background bridge = bg(inNs(java, "-cp", cp, "io.github.torrenthttpbridge.cli.Main", "seed",
                "http://127.0.0.1:" + originPort + "/dht.bin", "--torrent", torrent.toString(), "--bind", ADDR,
                "--port", "0", "--dht-port", "0", "--bootstrap", ADDR + ":" + routerPort, "--no-public-routers"));
        String torrentPort = bridge.await("torrent port: (\\d+)", Duration.ofSeconds(30));
        String nodeId = bridge.await("dht node id: +([0-9a-f]{40})", Duration.ofSeconds(10));
        assertEquals(40, nodeId.length());

        Path save = Files.createDirectories(dir.resolve("dl"));
        List<String> leech = new ArrayList<>(inNs("/usr/bin/python3", Processes.python("leech.py")));
        leech.addAll(source.apply(t, torrent));
        leech.addAll(List.of("--save", save.toString(), "--listen", ADDR + ":0", "--dht-bootstrap", ADDR + ":" + routerPort,
                "--timeout", "90"));
        Processes.Result r = Processes.run(leech, Duration.ofSeconds(120));
        assertEquals("true", r.json("ok"), r.lastLine() + "\n" + r.stderr() + "\nbridge:\n" + bridge.stderr());
        assertEquals("true", r.json("found_via_dht"), r.lastLine());
        assertTrue(r.lastLine().contains("\"" + ADDR + ":" + torrentPort + "\": [\"dht\"]"),
                "the bridge's own port was learnt from the DHT: " + r.lastLine());
        assertEquals("0", r.json("hash_failures"));
        assertEquals(Digests.sha256(file), Digests.sha256(save.resolve("dht.bin")));
    }
}
