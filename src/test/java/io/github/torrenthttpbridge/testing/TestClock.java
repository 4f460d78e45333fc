package io.github.torrenthttpbridge.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A UTC clock that stands still until the test moves it (thread-safe). */
public final class TestClock extends Clock {
    private final AtomicLong millis;

    public TestClock(long epochMillis) {
        this.millis = new AtomicLong(epochMillis);
    }

    public void advance(long ms) {
        millis.addAndGet(ms);
    }

    public void advance(Duration d) {
        advance(d.toMillis());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
