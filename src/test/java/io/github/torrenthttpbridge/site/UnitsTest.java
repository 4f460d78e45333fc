package io.github.torrenthttpbridge.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import io.github.torrenthttpbridge.torrent.HashProgress;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void bytesForPeople() {
        assertEquals("0 B", Units.bytes(0));
        assertEquals("1023 B", Units.bytes(1023));
        assertEquals("1.00 KiB", Units.bytes(1024));
        assertEquals("64.0 MiB", Units.bytes(64L << 20));
        assertEquals("1.50 GiB", Units.bytes(3L << 29));
        assertEquals("640 MiB", Units.bytes(640L << 20));
    }

    @Test
    void ages() {
        assertEquals("42 s", Units.age(Duration.ofSeconds(42)));
        assertEquals("5 min", Units.age(Duration.ofSeconds(330)));
        assertEquals("3 h 20 min", Units.age(Duration.ofMinutes(200)));
        assertEquals("2 d 4 h", Units.age(Duration.ofHours(52)));
        assertEquals("0 s", Units.age(Duration.ofSeconds(-3)));
    }

    @Test
    void theProgressPageRefreshesAndShowsABar() {
        String html = ProgressPage.html("/files/big <1>.iso", new HashProgress(32L << 20, 64L << 20, 100));
        assertTrue(html.contains("http-equiv=\"refresh\""), html);
        assertTrue(html.contains("<progress class=\"hashing\" max=\"100\" value=\"50.0\">"), html);
        assertTrue(html.contains("big &lt;1&gt;.iso") && html.contains("32.0 MiB of 64.0 MiB"), html);
    }
}
