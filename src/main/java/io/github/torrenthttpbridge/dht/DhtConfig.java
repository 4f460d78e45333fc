package io.github.torrenthttpbridge.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable settings of a {@link DhtNode}, made with {@link #builder()}; every setter checks its value and names
 * the bad setting.
 */
public final class DhtConfig {
    private final InetAddress bindAddress;
    private final int port;
    private final List<InetSocketAddress> bootstrapNodes;
    private final boolean publicRouters;
    private final boolean ipv6;
    private final Path storageDir;
    private final Duration bootstrapRetry;

    private DhtConfig(Builder b) {
        this.bindAddress = b.bindAddress;
        this.port = b.port;
        this.bootstrapNodes = List.copyOf(b.bootstrapNodes);
        this.publicRouters = b.publicRouters;
        this.ipv6 = b.ipv6;
        this.storageDir = b.storageDir;
        this.bootstrapRetry = b.bootstrapRetry;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Address the UDP socket binds to; the wildcard (default) lets mldht pick the default route's address. */
    public InetAddress bindAddress() {
        return bindAddress;
    }

    /** UDP port; 0 = any free port ({@link DhtNode#port()} tells the one taken). */
    public int port() {
        return port;
    }

    /** Extra bootstrap nodes, unresolved {@code host:port}; resolved each time they are pinged. */
    public List<InetSocketAddress> bootstrapNodes() {
        return bootstrapNodes;
    }

    /** Whether mldht bootstraps from the public routers (router.bittorrent.com, ...). */
    public boolean publicRouters() {
        return publicRouters;
    }

    /** Whether an IPv6 DHT node runs beside the IPv4 one (it only starts on a globally routable IPv6 address). */
    public boolean ipv6() {
        return ipv6;
    }

    /** Where mldht keeps its routing table across restarts; empty = a temporary directory deleted on close. */
    public Optional<Path> storageDir() {
        return Optional.ofNullable(storageDir);
    }

    /** How often the bootstrap nodes are pinged again while the routing table is empty. */
    public Duration bootstrapRetry() {
        return bootstrapRetry;
    }

    public static final class Builder {
        private InetAddress bindAddress = wildcard();
        private int port = 6881;
        private final List<InetSocketAddress> bootstrapNodes = new ArrayList<>();
        private boolean publicRouters = true;
        private boolean ipv6;
        private Path storageDir;
        private Duration bootstrapRetry = Duration.ofSeconds(3);

        private Builder() {
        }

        private static InetAddress wildcard() {
            return new InetSocketAddress(0).getAddress();
        }

        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "bindAddress");
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("bad DHT port " + port + ": expected 0 to 65535");
            }
            this.port = port;
            return this;
        }

        public Builder bootstrapNode(String host, int port) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("bootstrap node host is empty");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("bad bootstrap node port " + port + " for " + host);
            }
            bootstrapNodes.add(InetSocketAddress.createUnresolved(host, port));
            return this;
        }

        /** A bootstrap node as {@code host:port} ({@code [v6]:port} for IPv6 literals). */
        public Builder bootstrapNode(String hostPort) {
            if (hostPort == null) {
                throw new IllegalArgumentException("bootstrap node is null");
            }
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostPort.length() - 1) {
                throw new IllegalArgumentException("bad bootstrap node '" + hostPort + "': expected HOST:PORT");
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int p;
            try {
                p = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad bootstrap node '" + hostPort + "': expected HOST:PORT");
            }
            return bootstrapNode(host, p);
        }

        public Builder bootstrapNodes(List<InetSocketAddress> nodes) {
            for (InetSocketAddress a : nodes) {
                bootstrapNode(a.getHostString(), a.getPort());
            }
            return this;
        }

        public Builder publicRouters(boolean on) {
            this.publicRouters = on;
            return this;
        }

        public Builder ipv6(boolean on) {
            this.ipv6 = on;
            return this;
        }

        public Builder storageDir(Path dir) {
            this.storageDir = Objects.requireNonNull(dir, "storageDir");
            return this;
        }

        public Builder bootstrapRetry(Duration every) {
            if (every == null || every.toMillis() < 100 || every.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("bootstrapRetry must be 100 ms to 5 min, got " + every);
            }
            this.bootstrapRetry = every;
            return this;
        }

        /** Without public routers and bootstrap nodes the node only learns of nodes that contact it first. */
        public DhtConfig build() {
            return new DhtConfig(this);
        }
    }
}
