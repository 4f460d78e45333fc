package io.github.torrenthttpbridge.engine;

import io.github.torrenthttpbridge.settings.Settings;

/**
 * What one remote peer, one IP address and all peers together may make the engine hold or do. Each budget refuses
 * (a BEP 6 reject, a choke or a drop, all counted) rather than queueing when it is exceeded. Immutable; built by
 * {@link #builder()}, which checks each value when it is set.
 *
 * @see <a href="../../../../../../README.md">README, "Security and limits"</a>
 */
public final class PeerBudgets {
    private final long sendBufferBytes;
    private final long totalSendBytes;
    private final long pinnedBytesPerPeer;
    private final int originLoadsPerPeer;
    private final int originRatio;
    private final long originAllowanceBytes;
    private final int maxPeersPerIp;
    private final int maxHandshakes;
    private final int maxHandshakesPerIp;
    private final int encryptedHandshakesPerSecond;

    private PeerBudgets(Builder b) {
        this.sendBufferBytes = b.sendBufferBytes;
        this.totalSendBytes = b.totalSendBytes;
        this.pinnedBytesPerPeer = b.pinnedBytesPerPeer;
        this.originLoadsPerPeer = b.originLoadsPerPeer;
        this.originRatio = b.originRatio;
        this.originAllowanceBytes = b.originAllowanceBytes;
        this.maxPeersPerIp = b.maxPeersPerIp;
        this.maxHandshakes = b.maxHandshakes;
        this.maxHandshakesPerIp = b.maxHandshakesPerIp;
        this.encryptedHandshakesPerSecond = b.encryptedHandshakesPerSecond;
    }

    /** The defaults, meant for a site on the internet. */
    public static PeerBudgets defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.sendBufferBytes = sendBufferBytes;
        b.totalSendBytes = totalSendBytes;
        b.pinnedBytesPerPeer = pinnedBytesPerPeer;
        b.originLoadsPerPeer = originLoadsPerPeer;
        b.originRatio = originRatio;
        b.originAllowanceBytes = originAllowanceBytes;
        b.maxPeersPerIp = maxPeersPerIp;
        b.maxHandshakes = maxHandshakes;
        b.maxHandshakesPerIp = maxHandshakesPerIp;
        b.encryptedHandshakesPerSecond = encryptedHandshakesPerSecond;
        return b;
    }

    /** Bytes queued for one peer (every message) before it is no longer read and no more blocks are queued for it. */
    public long sendBufferBytes() {
        return sendBufferBytes;
    }

    /** Bytes queued for all peers together before a peer with anything queued is no longer read. */
    public long totalSendBytes() {
        return totalSendBytes;
    }

    /** Bytes of pieces one peer's requests may pin in the memory cache (at least one piece's span always). */
    public long pinnedBytesPerPeer() {
        return pinnedBytesPerPeer;
    }

    /** Origin loads one peer's requests may have in flight; its further requests wait as requests. */
    public int originLoadsPerPeer() {
        return originLoadsPerPeer;
    }

    /** Origin bytes an IP address may cause per byte it takes (beyond the allowance) before it is choked, then dropped. */
    public int originRatio() {
        return originRatio;
    }

    /** Origin bytes an IP address may cause before {@link #originRatio()} applies. */
    public long originAllowanceBytes() {
        return originAllowanceBytes;
    }

    /** Connections from one IP address, handshaking or established. */
    public int maxPeersPerIp() {
        return maxPeersPerIp;
    }

    /** Incoming connections still handshaking, in all. */
    public int maxHandshakes() {
        return maxHandshakes;
    }

    /** Incoming connections still handshaking from one IP address. */
    public int maxHandshakesPerIp() {
        return maxHandshakesPerIp;
    }

    /** MSE key exchanges (two 768-bit modular exponentiations each) accepted per second, in all. */
    public int encryptedHandshakesPerSecond() {
        return encryptedHandshakesPerSecond;
    }

    @Override
    public String toString() {
        return "PeerBudgets[sendBufferBytes=" + sendBufferBytes + ", totalSendBytes=" + totalSendBytes
                + ", pinnedBytesPerPeer=" + pinnedBytesPerPeer + ", originLoadsPerPeer=" + originLoadsPerPeer
                + ", originRatio=" + originRatio + ", originAllowanceBytes=" + originAllowanceBytes
                + ", maxPeersPerIp=" + maxPeersPerIp + ", maxHandshakes=" + maxHandshakes
                + ", maxHandshakesPerIp=" + maxHandshakesPerIp
                + ", encryptedHandshakesPerSecond=" + encryptedHandshakesPerSecond + "]";
    }

    /**
     * Checks every value as it is set, with the range of its row in the settings table ({@link Settings}; the rows
     * are in KiB or MiB where the setters take bytes): a bad one throws {@link IllegalArgumentException} naming it.
     */
    public static final class Builder {
        private long sendBufferBytes = Settings.SEND_BUFFER_KIB.defaultScaled();
        private long totalSendBytes = Settings.SEND_TOTAL_MIB.defaultScaled();
        private long pinnedBytesPerPeer = Settings.PINNED_MIB_PER_PEER.defaultScaled();
        private int originLoadsPerPeer = (int) Settings.ORIGIN_LOADS_PER_PEER.defaultLong();
        private int originRatio = (int) Settings.ORIGIN_RATIO.defaultLong();
        private long originAllowanceBytes = Settings.ORIGIN_ALLOWANCE_MIB.defaultScaled();
        private int maxPeersPerIp = (int) Settings.MAX_PEERS_PER_IP.defaultLong();
        private int maxHandshakes = (int) Settings.MAX_HANDSHAKES.defaultLong();
        private int maxHandshakesPerIp = (int) Settings.MAX_HANDSHAKES_PER_IP.defaultLong();
        private int encryptedHandshakesPerSecond = (int) Settings.KEY_EXCHANGES_PER_SECOND.defaultLong();

        private Builder() {
        }

        public Builder sendBufferBytes(long n) {
            sendBufferBytes = Settings.SEND_BUFFER_KIB.checkScaled(n);
            return this;
        }

        public Builder totalSendBytes(long n) {
            totalSendBytes = Settings.SEND_TOTAL_MIB.checkScaled(n);
            return this;
        }

        public Builder pinnedBytesPerPeer(long n) {
            pinnedBytesPerPeer = Settings.PINNED_MIB_PER_PEER.checkScaled(n);
            return this;
        }

        public Builder originLoadsPerPeer(int n) {
            originLoadsPerPeer = (int) Settings.ORIGIN_LOADS_PER_PEER.check(n);
            return this;
        }

        public Builder originRatio(int n) {
            originRatio = (int) Settings.ORIGIN_RATIO.check(n);
            return this;
        }

        public Builder originAllowanceBytes(long n) {
            originAllowanceBytes = Settings.ORIGIN_ALLOWANCE_MIB.checkScaled(n);
            return this;
        }

        public Builder maxPeersPerIp(int n) {
            maxPeersPerIp = (int) Settings.MAX_PEERS_PER_IP.check(n);
            return this;
        }

        public Builder maxHandshakes(int n) {
            maxHandshakes = (int) Settings.MAX_HANDSHAKES.check(n);
            return this;
        }

        public Builder maxHandshakesPerIp(int n) {
            maxHandshakesPerIp = (int) Settings.MAX_HANDSHAKES_PER_IP.check(n);
            return this;
        }

        public Builder encryptedHandshakesPerSecond(int n) {
            encryptedHandshakesPerSecond = (int) Settings.KEY_EXCHANGES_PER_SECOND.check(n);
            return this;
        }

        /** Budgets for tests and benchmarks on 127.0.0.1, where every peer shares one address. */
        public Builder loopback() {
            maxPeersPerIp = (int) Settings.MAX_PEERS_PER_IP.max();
            maxHandshakesPerIp = (int) Settings.MAX_HANDSHAKES_PER_IP.max();
            return this;
        }

        public PeerBudgets build() {
            return new PeerBudgets(this);
        }

    }
}
