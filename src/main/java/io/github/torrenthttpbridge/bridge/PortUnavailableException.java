package io.github.torrenthttpbridge.bridge;

import java.net.InetAddress;

/**
 * {@link TorrentBridge#start} could not bind a port it was configured to use: the peer port (TCP) or the DHT
 * port (UDP) is taken by another program or another bridge in the same JVM (several web applications in one
 * container), or not allowed. Nothing is left running when this is thrown.
 */
public final class PortUnavailableException extends RuntimeException {
    /** Which of the bridge's ports. */
    public enum Use {
        /** The TCP port peers connect to ({@link BridgeConfig#port()}). */
        PEERS("TCP"),
        /** The UDP port of the DHT node ({@link BridgeConfig#dhtPort()}). */
        DHT("UDP");

        private final String protocol;

        Use(String protocol) {
            this.protocol = protocol;
        }

        public String protocol() {
            return protocol;
        }
    }

    private final Use use;
    private final InetAddress address;
    private final int port;

    public PortUnavailableException(Use use, InetAddress address, int port, Throwable cause) {
        super("cannot " + (use == Use.PEERS ? "listen for peers on TCP " : "run the DHT node on UDP ")
                + address.getHostAddress() + ":" + port + " (" + (cause == null ? "refused" : cause.getMessage()) + ")", cause);
        this.use = use;
        this.address = address;
        this.port = port;
    }

    public Use use() {
        return use;
    }

    public InetAddress address() {
        return address;
    }

    public int port() {
        return port;
    }
}
