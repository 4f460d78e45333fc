package io.github.torrenthttpbridge.swarm;

import java.time.Duration;

/**
 * Immutable settings of an {@link Announcer}, made with {@link #builder()}; each setter checks its value and names
 * the setting in its message.
 */
public final class AnnouncerConfig {
    private final double dhtAnnouncesPerSecond;
    private final double trackerAnnouncesPerSecond;
    private final int maxConcurrentDht;
    private final int maxConcurrentTracker;
    private final Duration dhtInterval;
    private final Duration minTrackerInterval;
    private final Duration maxTrackerInterval;
    private final Duration trackerRetry;
    private final Duration firstAnnounceSpread;
    private final Duration announceTimeout;
    private final int numwant;

    private AnnouncerConfig(Builder b) {
        this.dhtAnnouncesPerSecond = b.dhtAnnouncesPerSecond;
        this.trackerAnnouncesPerSecond = b.trackerAnnouncesPerSecond;
        this.maxConcurrentDht = b.maxConcurrentDht;
        this.maxConcurrentTracker = b.maxConcurrentTracker;
        this.dhtInterval = b.dhtInterval;
        this.minTrackerInterval = b.minTrackerInterval;
        this.maxTrackerInterval = b.maxTrackerInterval;
        this.trackerRetry = b.trackerRetry;
        this.firstAnnounceSpread = b.firstAnnounceSpread;
        this.announceTimeout = b.announceTimeout;
        this.numwant = b.numwant;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static AnnouncerConfig defaults() {
        return builder().build();
    }

    /** DHT announces started per second, all torrents together; default 10. */
    public double dhtAnnouncesPerSecond() {
        return dhtAnnouncesPerSecond;
    }

    /** Tracker announces (stopped events included) started per second, all torrents together; default 10. */
    public double trackerAnnouncesPerSecond() {
        return trackerAnnouncesPerSecond;
    }

    /** DHT announces running at once; default 8. */
    public int maxConcurrentDht() {
        return maxConcurrentDht;
    }

    /** Tracker announces running at once; default 16. */
    public int maxConcurrentTracker() {
        return maxConcurrentTracker;
    }

    /** Time between DHT announces of one torrent (±25 % jitter); default 20 min. */
    public Duration dhtInterval() {
        return dhtInterval;
    }

    /** Lower bound on a tracker's {@code interval} (and {@code min interval}); default 5 min. */
    public Duration minTrackerInterval() {
        return minTrackerInterval;
    }

    /** Upper bound on a tracker's {@code interval}; default 60 min. */
    public Duration maxTrackerInterval() {
        return maxTrackerInterval;
    }

    /** Wait after every tracker of a torrent failed, doubled per failed round up to the max interval; default 1 min. */
    public Duration trackerRetry() {
        return trackerRetry;
    }

    /**
     * Torrents added within this time of the start (a restart restoring many) have their first announces at a random
     * point within it, so that their re-announces stay apart; later ones are announced at once (rate limits
     * permitting). Default 30 s.
     */
    public Duration firstAnnounceSpread() {
        return firstAnnounceSpread;
    }

    /** Hard deadline of one announce; past it the announce counts as failed; default 2 min. */
    public Duration announceTimeout() {
        return announceTimeout;
    }

    /** Peers asked of trackers per announce; default 50. */
    public int numwant() {
        return numwant;
    }

    public static final class Builder {
        private double dhtAnnouncesPerSecond = 10;
        private double trackerAnnouncesPerSecond = 10;
        private int maxConcurrentDht = 8;
        private int maxConcurrentTracker = 16;
        private Duration dhtInterval = Duration.ofMinutes(20);
        private Duration minTrackerInterval = Duration.ofMinutes(5);
        private Duration maxTrackerInterval = Duration.ofMinutes(60);
        private Duration trackerRetry = Duration.ofMinutes(1);
        private Duration firstAnnounceSpread = Duration.ofSeconds(30);
        private Duration announceTimeout = Duration.ofMinutes(2);
        private int numwant = 50;

        private Builder() {
        }

        private static double rate(double r, String name) {
            if (!(r >= 0.01 && r <= 10_000)) {
                throw new IllegalArgumentException(name + " must be 0.01 to 10000 per second, got " + r);
            }
            return r;
        }

        private static int count(int n, String name) {
            if (n < 1 || n > 10_000) {
                throw new IllegalArgumentException(name + " must be 1 to 10000, got " + n);
            }
            return n;
        }

        private static Duration between(Duration d, Duration min, Duration max, String name) {
            if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be " + min + " to " + max + ", got " + d);
            }
            return d;
        }

        public Builder dhtAnnouncesPerSecond(double r) {
            this.dhtAnnouncesPerSecond = rate(r, "dhtAnnouncesPerSecond");
            return this;
        }

        public Builder trackerAnnouncesPerSecond(double r) {
            this.trackerAnnouncesPerSecond = rate(r, "trackerAnnouncesPerSecond");
            return this;
        }

        public Builder maxConcurrentDht(int n) {
            this.maxConcurrentDht = count(n, "maxConcurrentDht");
            return this;
        }

        public Builder maxConcurrentTracker(int n) {
            this.maxConcurrentTracker = count(n, "maxConcurrentTracker");
            return this;
        }

        public Builder dhtInterval(Duration d) {
            this.dhtInterval = between(d, Duration.ofMinutes(1), Duration.ofHours(24), "dhtInterval");
            return this;
        }

        public Builder trackerIntervalBounds(Duration min, Duration max) {
            between(min, Duration.ofSeconds(30), Duration.ofHours(24), "minTrackerInterval");
            between(max, Duration.ofSeconds(30), Duration.ofHours(24), "maxTrackerInterval");
            if (min.compareTo(max) > 0) {
                throw new IllegalArgumentException("minTrackerInterval (" + min + ") exceeds maxTrackerInterval (" + max + ")");
            }
            this.minTrackerInterval = min;
            this.maxTrackerInterval = max;
            return this;
        }

        public Builder trackerRetry(Duration d) {
            this.trackerRetry = between(d, Duration.ofSeconds(5), Duration.ofHours(1), "trackerRetry");
            return this;
        }

        public Builder firstAnnounceSpread(Duration d) {
            this.firstAnnounceSpread = between(d, Duration.ZERO, Duration.ofHours(1), "firstAnnounceSpread");
            return this;
        }

        public Builder announceTimeout(Duration d) {
            this.announceTimeout = between(d, Duration.ofSeconds(1), Duration.ofMinutes(10), "announceTimeout");
            return this;
        }

        public Builder numwant(int n) {
            if (n < 0 || n > 200) {
                throw new IllegalArgumentException("numwant must be 0 to 200, got " + n);
            }
            this.numwant = n;
            return this;
        }

        public AnnouncerConfig build() {
            return new AnnouncerConfig(this);
        }
    }
}
