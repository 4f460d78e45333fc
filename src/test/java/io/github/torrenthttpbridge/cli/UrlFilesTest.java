package io.github.torrenthttpbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class UrlFilesTest {
    static List<URI> uris(String... s) {
        return java.util.Arrays.stream(s).map(URI::create).toList();
    }

    @Test
    void filesAreNamedByTheirUrlsLastSegmentAndDuplicatesAreRefused() {
        Map<String, URI> m = UrlFiles.byName(uris("http://h/rel/a.iso", "https://h/x/b%20c.txt"));
        assertEquals(List.of("a.iso", "b c.txt"), List.copyOf(m.keySet()));
        var e = assertThrows(IllegalArgumentException.class, () -> UrlFiles.byName(uris("http://h/rel/a.iso", "http://mirror/y/a.iso")));
        assertTrue(e.getMessage().contains("'a.iso'") && e.getMessage().contains("http://mirror/y/a.iso"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UrlFiles.byName(uris("ftp://h/a")));
    }

    @Test
    void theWebSeedIsTheBaseOnlyWhenEveryUrlIsBaseNameFile() {
        // BEP 19: the client appends the torrent's name and each file's path to the url-list entry
        assertEquals(List.of("http://h:8080/pub/"),
                UrlFiles.webSeed("rel", UrlFiles.byName(uris("http://h:8080/pub/rel/a.bin", "http://h:8080/pub/rel/b.bin"))));
        assertEquals(List.of("http://h/"), UrlFiles.webSeed("my rel", UrlFiles.byName(uris("http://h/my%20rel/a.bin"))));
        assertEquals(List.of(), UrlFiles.webSeed("rel", UrlFiles.byName(uris("http://h/pub/rel/a.bin", "http://h/other/rel/b.bin"))),
                "two bases");
        assertEquals(List.of(), UrlFiles.webSeed("rel", UrlFiles.byName(uris("http://h/pub/rel/a.bin", "http://h/pub/x/b.bin"))),
                "a file outside a directory named like the torrent");
        assertEquals(List.of(), UrlFiles.webSeed("rel", UrlFiles.byName(uris("http://h/a.bin"))), "no directory at all");
        assertEquals(List.of(), UrlFiles.webSeed("rel", UrlFiles.byName(uris("http://h/rel/a.bin?x=1"))), "a query");
    }
}
