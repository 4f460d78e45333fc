package io.github.torrenthttpbridge.dht;

import java.net.InetAddress;

import io.github.torrenthttpbridge.torrent.InfoHash;

/**
 * Runs a {@link DhtNode} for {@link DhtNodeIT} inside its network namespace: bootstraps from a router, then announces
 * one info hash every 3 s until the deadline, printing one JSON line per event on stdout.
 *
 * <p>Arguments: BIND ROUTER_HOST:PORT INFO_HASH_HEX TCP_PORT TIMEOUT_SECONDS.
 */
public final class DhtNodeMain {
    private DhtNodeMain() {
    }

    /** Each line goes to stdout (read by the test) and stderr (shown when the test fails). */
    private static void say(String line) {
        System.out.println(line);
        System.err.println(line);
    }

    public static void main(String[] args) throws Exception {
        DhtConfig config = DhtConfig.builder().bindAddress(InetAddress.getByName(args[0])).port(0)
                .bootstrapNode(args[1]).publicRouters(false).build();
        InfoHash hash = InfoHash.fromHex(args[2]);
        int tcpPort = Integer.parseInt(args[3]);
        long deadline = System.nanoTime() + Long.parseLong(args[4]) * 1_000_000_000L;
        try (DhtNode node = DhtNode.start(config)) {
            say("{\"port\": " + node.port() + ", \"running\": " + node.isRunning() + "}");
            while (node.routingTableSize() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            say("{\"routing_table\": " + node.routingTableSize() + ", \"node_id\": \""
                    + node.nodeIdHex().orElse("") + "\"}");
            while (System.nanoTime() < deadline) {
                int acks = node.announce(hash, tcpPort, peer -> say(
                        "{\"peer\": \"" + peer.getAddress().getHostAddress() + ":" + peer.getPort() + "\"}"))
                        .exceptionally(e -> -1).get();
                say("{\"announced\": " + acks + ", \"sent\": " + node.announcesSent()
                        + ", \"failed\": " + node.announcesFailed() + "}");
                Thread.sleep(3000);
            }
        }
    }
}
