package io.github.torrenthttpbridge.swarm;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.tracker.AnnounceRequest;
import io.github.torrenthttpbridge.tracker.AnnounceResult;

/** What the scheduler announces through: the DHT node and the tracker client, or stand-ins in unit tests. */
final class Backends {
    private Backends() {
    }

    interface Dht {
        /** Whether announcing makes sense now (the routing table has nodes). */
        boolean ready();

        /** Completes with the number of nodes that took the announce. */
        CompletableFuture<Integer> announce(InfoHash h, int port, Consumer<InetSocketAddress> peers);
    }

    interface Trackers {
        boolean supports(String url);

        CompletableFuture<AnnounceResult> announce(String url, AnnounceRequest request);
    }
}
