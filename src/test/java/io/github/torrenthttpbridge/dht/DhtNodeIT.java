package io.github.torrenthttpbridge.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.testing.Netns;
import io.github.torrenthttpbridge.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our {@link DhtNode} (no Bt runtime) on a real DHT: inside a network namespace (mldht refuses loopback and private
 * addresses; see {@link Netns}) a libtorrent node is the router, our node bootstraps from it and announces an info
 * hash, and a second libtorrent session finds our address with get_peers — while joining the swarm itself (it
 * announces its own address), which our node's get_peers must report back. Needs root.
 */
class DhtNodeIT {
    static final String HASH = "0123456789abcdef0123456789abcdef01234567";
    static final int OUR_TCP_PORT = 51413;
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void libtorrentFindsOurAnnounceAndWeFindItsOwn() throws Exception {
        try (Netns ns = new Netns("dhtnode")) {
            Processes.Background routerNode = ns.start(List.of("/usr/bin/python3", Processes.python("dht_node.py"),
                    "--bind", Netns.ADDR, "--timeout", "140"));
            String router = Netns.ADDR + ":" + routerNode.await("\"port\": (\\d+)", Duration.ofSeconds(20));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Processes.Background ours = ns.start(List.of(java, "-cp", System.getProperty("java.class.path"),
                    DhtNodeMain.class.getName(), Netns.ADDR, router, HASH, String.valueOf(OUR_TCP_PORT), "120"));
            String udpPort = ours.await("\"port\": (\\d+), \"running\": true", Duration.ofSeconds(30));
            assertTrue(Integer.parseInt(udpPort) > 0, "the port the system chose is reported");
            String nodeId = ours.await("\"node_id\": \"([0-9a-f]{40})\"", Duration.ofSeconds(30));
            assertEquals(40, nodeId.length());
            ours.await("\"announced\": ([1-9]\\d*)", Duration.ofSeconds(30)); // at least one node took announce_peer

            Processes.Result r = ns.run(List.of("/usr/bin/python3", Processes.python("dht_get_peers.py"),
                    "--bind", Netns.ADDR, "--bootstrap", router, "--info-hash", HASH,
                    "--expect", Netns.ADDR + ":" + OUR_TCP_PORT, "--join", "--linger", "10", "--save", dir.toString(), "--timeout", "60"),
                    Duration.ofSeconds(90));
            assertEquals("true", r.json("found"), "libtorrent's get_peers returned our address: " + r.lastLine()
                    + "\n" + r.stderr() + "\nour node:\n" + ours.stderr());
            String theirs = Netns.ADDR + ":" + r.json("listen_port");
            try {
                ours.await("\"peer\": \"(" + theirs.replace(".", "\\.") + ")\"", Duration.ofSeconds(30));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nlibtorrent: " + r.lastLine() + "\nrouter:\n"
                        + routerNode.stderr(), e);
            }
        }
    }
}
