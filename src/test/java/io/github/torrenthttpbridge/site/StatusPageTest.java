package io.github.torrenthttpbridge.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.github.torrenthttpbridge.swarm.AnnouncerStats;
import org.junit.jupiter.api.Test;

/** The status JSON's announce figures: counts, and tracker errors (text from the network) escaped. */
class StatusPageTest {
    @Test
    void announcesJsonCarriesCountsAndEscapedTrackerErrors() {
        AnnouncerStats a = new AnnouncerStats(3, 5, 1, 7, 2, 0,
                Map.of("t.example.org", "tracker said \"no\"\n</script>"));
        String json = StatusPage.announcesJson(a);
        assertTrue(json.startsWith("{\"dhtOk\":5,\"dhtFailed\":1,\"trackerOk\":7,\"trackerFailed\":2,\"inFlight\":0,"), json);
        assertTrue(json.contains("\"t.example.org\":"), json);
        assertTrue(!json.contains("\n") && !json.contains("\"no\"") && !json.contains("</script>"),
                "quotes, newlines and markup are escaped: " + json);
        assertEquals("{\"dhtOk\":0,\"dhtFailed\":0,\"trackerOk\":0,\"trackerFailed\":0,\"inFlight\":0,\"trackerErrors\":{}}",
                StatusPage.announcesJson(new AnnouncerStats(0, 0, 0, 0, 0, 0, Map.of())));
    }
}
