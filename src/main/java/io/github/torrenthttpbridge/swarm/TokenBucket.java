package io.github.torrenthttpbridge.swarm;

/**
 * A token bucket that holds one tick's worth of tokens (at least one), so no second ever sees more than the rate plus
 * a tenth; not thread-safe (used under the schedule's lock).
 */
final class TokenBucket {
    private final double perMilli;
    private final double capacity;
    private double tokens;
    private long last;

    TokenBucket(double perSecond, long now) {
        this.perMilli = perSecond / 1000.0;
        this.capacity = Math.max(1, perSecond * Announcer.TICK_MILLIS / 1000.0);
        this.tokens = capacity;
        this.last = now;
    }

    /** Takes one token if there is one at {@code now}. */
    boolean take(long now) {
        if (now > last) {
            tokens = Math.min(capacity, tokens + (now - last) * perMilli);
            last = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
