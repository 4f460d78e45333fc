package io.github.torrenthttpbridge.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import io.github.torrenthttpbridge.origin.OriginResource;
import org.junit.jupiter.api.Test;

class SiteProbeTest {
    @Test
    void urlsAreJoinedSegmentBySegment() {
        assertEquals(URI.create("https://example.org/site/files/a%20b%2Bc%23.iso"),
                SiteProbe.join(URI.create("https://example.org/site/"), "/files/a b+c#.iso"));
        assertEquals(URI.create("http://127.0.0.1:8080/x"), SiteProbe.join(URI.create("http://127.0.0.1:8080"), "//x"));
    }

    @Test
    void theKeyChangesWithPathLengthAndValidatorOnly() {
        URI u = URI.create("http://h/a");
        String k = SiteProbe.key("/a", new OriginResource(u, 10, "\"e\"", "Mon"));
        assertEquals(32, k.length());
        assertEquals(k, SiteProbe.key("/a", new OriginResource(URI.create("http://other:1/a"), 10, "\"e\"", "Tue")),
                "the origin's address is not part of the key: a site that moves keeps its torrents");
        assertNotEquals(k, SiteProbe.key("/b", new OriginResource(u, 10, "\"e\"", "Mon")));
        assertNotEquals(k, SiteProbe.key("/a", new OriginResource(u, 11, "\"e\"", "Mon")));
        assertNotEquals(k, SiteProbe.key("/a", new OriginResource(u, 10, "\"f\"", "Mon")));
    }

    @Test
    void siteOptionsCheckEachSetting() {
        SiteOptions o = SiteOptions.builder(Path.of("/tmp/m")).pieceSize(1 << 20).hashJobs(2).build();
        assertEquals(1 << 20, o.pieceSize());
        assertEquals(2, o.hashJobs());
        assertEquals(Duration.ofSeconds(2), o.probeTtl());
        assertThrows(IllegalArgumentException.class, () -> SiteOptions.builder(Path.of("/m")).pieceSize(1000));
        assertThrows(IllegalArgumentException.class, () -> SiteOptions.builder(Path.of("/m")).hashJobs(0));
        assertThrows(IllegalArgumentException.class, () -> SiteOptions.builder(Path.of("/m")).minSize(-1));
        assertThrows(NullPointerException.class, () -> SiteOptions.builder(null));
    }
}
