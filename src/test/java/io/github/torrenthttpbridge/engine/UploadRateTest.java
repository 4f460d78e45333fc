package io.github.torrenthttpbridge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The upload cap's arithmetic: a second's worth goes at once, the rest waits its turn at the configured rate. */
class UploadRateTest {
    @Test
    void blocksWaitForTheirShareOfTheRate() {
        UploadRate rate = new UploadRate(1024 * 1024);   // 1 MiB/s
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
        // the 3rd MiB ends ~2 s after the first byte (less the few ms this loop took)
        assertTrue(lastDelay > 1_900_000_000L && lastDelay <= 2_000_000_000L, "last block waits ~2 s: " + lastDelay);
    }
}
