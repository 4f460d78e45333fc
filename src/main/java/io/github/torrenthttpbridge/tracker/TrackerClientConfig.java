package io.github.torrenthttpbridge.tracker;

import java.time.Duration;

/**
 * Immutable limits of a {@link TrackerClient}, made with {@link #builder()}; each setter checks its value.
 */
public final class TrackerClientConfig {
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxResponseBytes;
    private final int maxConnectionsPerTracker;
    private final int maxQueuedPerTracker;
    private final int maxRedirects;
    private final java.net.InetAddress bindAddress;

    private TrackerClientConfig(Builder b) {
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.maxResponseBytes = b.maxResponseBytes;
        this.maxConnectionsPerTracker = b.maxConnectionsPerTracker;
        this.maxQueuedPerTracker = b.maxQueuedPerTracker;
        this.maxRedirects = b.maxRedirects;
        this.bindAddress = b.bindAddress;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static TrackerClientConfig defaults() {
        return builder().build();
    }

    /** TCP (and TLS) connect timeout; default 10 s. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Hard deadline of one announce, redirects included; default 30 s. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Largest answer read; a longer one fails the announce; default 256 KiB. */
    public int maxResponseBytes() {
        return maxResponseBytes;
    }

    /** Connections open to one tracker (scheme, host, port) at once; default 4. */
    public int maxConnectionsPerTracker() {
        return maxConnectionsPerTracker;
    }

    /** Announces waiting for a connection to one tracker before further ones fail at once; default 256. */
    public int maxQueuedPerTracker() {
        return maxQueuedPerTracker;
    }

    /** Redirects followed, each only to the same host (http to https allowed); default 2. */
    public int maxRedirects() {
        return maxRedirects;
    }

    /**
     * The local address announces are sent from, or null for the system's choice (default). A tracker that ignores
     * the {@code ip} parameter (most do, e.g. opentracker) lists the address the announce came from: a bridge
     * listening on one address of a multi-homed host sends its announces from it.
     */
    public java.net.InetAddress bindAddress() {
        return bindAddress;
    }

    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxResponseBytes = 256 * 1024;
        private int maxConnectionsPerTracker = 4;
        private int maxQueuedPerTracker = 256;
        private int maxRedirects = 2;
        private java.net.InetAddress bindAddress;

        private Builder() {
        }

        /** Sends announces from this local address; null (the default) or a wildcard address for the system's choice. */
        public Builder bindAddress(java.net.InetAddress address) {
            this.bindAddress = address == null || address.isAnyLocalAddress() ? null : address;
            return this;
        }

        private static Duration check(Duration d, String name, Duration max) {
            if (d == null || d.toMillis() < 1 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be 1 ms to " + max + ", got " + d);
            }
            return d;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = check(d, "connectTimeout", Duration.ofMinutes(2));
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = check(d, "requestTimeout", Duration.ofMinutes(5));
            return this;
        }

        public Builder maxResponseBytes(int n) {
            if (n < 1024 || n > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("maxResponseBytes must be 1 KiB to 16 MiB, got " + n);
            }
            this.maxResponseBytes = n;
            return this;
        }

        public Builder maxConnectionsPerTracker(int n) {
            if (n < 1 || n > 256) {
                throw new IllegalArgumentException("maxConnectionsPerTracker must be 1 to 256, got " + n);
            }
            this.maxConnectionsPerTracker = n;
            return this;
        }

        public Builder maxQueuedPerTracker(int n) {
            if (n < 1 || n > 100_000) {
                throw new IllegalArgumentException("maxQueuedPerTracker must be 1 to 100000, got " + n);
            }
            this.maxQueuedPerTracker = n;
            return this;
        }

        public Builder maxRedirects(int n) {
            if (n < 0 || n > 10) {
                throw new IllegalArgumentException("maxRedirects must be 0 to 10, got " + n);
            }
            this.maxRedirects = n;
            return this;
        }

        public TrackerClientConfig build() {
            if (connectTimeout.compareTo(requestTimeout) > 0) {
                throw new IllegalArgumentException("connectTimeout (" + connectTimeout
                        + ") must not exceed requestTimeout (" + requestTimeout + ")");
            }
            return new TrackerClientConfig(this);
        }
    }
}
