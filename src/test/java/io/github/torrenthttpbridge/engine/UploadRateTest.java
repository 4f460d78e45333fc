package io.github.torrenthttpbridge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The upload cap's arithmetic: a second's worth goes at once, the rest waits its turn at the configured rate. */
class UploadRateTest {
    @Test
    void blocksWaitForTheirShareOfTheRate() {
        long[] now = {5_000_000_000L};
        UploadRate rate = new UploadRate(1024 * 1024, () -> now[0]);   // 1 MiB/s, on a clock that stands still
        long lastDelay = 0;
        int block = 16 * 1024;
        for (int i = 0; i < 64; i++) {               // the first MiB: the burst allowance, no wait
            assertEquals(0, rate.reserve(block), "block " + i);
        }
        for (int i = 0; i < 128; i++) {              // two more MiB: each block waits longer
            long d = rate.reserve(block);
            assertTrue(d >= lastDelay, "delays grow");
            lastDelay = d;
        }
        // the 3rd MiB ends 2 s after the first byte: its last block waits 2 s less its own 1/64 s
        assertEquals(2_000_000_000L - 1_000_000_000L / 64, lastDelay, 1000, "last block waits ~2 s");
        now[0] += 3_000_000_000L;  // three idle seconds: the whole burst is back, no more
        for (int i = 0; i < 64; i++) {
            assertEquals(0, rate.reserve(block), "after idling, block " + i);
        }
        assertEquals(0, rate.reserve(block), "the block at the burst's edge");
        assertEquals(1_000_000_000L / 64, rate.reserve(block), 1000, "then each block waits its 1/64 s again");
    }
}
