package io.github.torrenthttpbridge.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.util.Map;

import io.github.torrenthttpbridge.site.SiteHttp.Req;
import io.github.torrenthttpbridge.site.SiteHttp.Res;
import org.junit.jupiter.api.Test;

/** The status page's query: an unreadable one is a 400 before anything is looked up; links keep it. */
class StatusQueryTest {
    /** A source that fails the test if asked anything. */
    static final StatusSource NOTHING = (StatusSource) Proxy.newProxyInstance(StatusSource.class.getClassLoader(),
            new Class<?>[] {StatusSource.class}, (p, m, a) -> {
                throw new AssertionError("asked for " + m.getName());
            });

    static Res render(Map<String, String> parameters) throws Exception {
        Res s = new Res();
        StatusPage.render(NOTHING, new Req("GET", "/torrent-bridge/", "", null, Map.of(), parameters), s);
        return s;
    }

    @Test
    void badParametersAre400() throws Exception {
        Res page = render(Map.of("page", "two"));
        assertEquals(400, page.error);
        assertEquals("page is not a number: two", page.message);
        assertEquals("per is not a number: x", render(Map.of("per", "x")).message);
        Res q = render(Map.of("q", "x".repeat(StatusPage.MAX_FILTER + 1)));
        assertEquals(400, q.error);
        assertEquals("q is longer than 200 characters", q.message);
        assertNull(q.body);
    }

    @Test
    void queryDefaultsAndLinks() {
        TorrentListing.Query q = StatusPage.query(new Req("GET", "/", "", null, Map.of(), Map.of("q", "a b&c", "per", "")));
        assertEquals(1, q.page());
        assertEquals(TorrentListing.PAGE_SIZE, q.pageSize());
        assertEquals(TorrentListing.Sort.PATH, q.sort());
        assertEquals("?q=a+b%26c&amp;sort=uploaded&amp;page=3", StatusPage.link(q, TorrentListing.Sort.UPLOADED, 3));
        assertEquals("?", StatusPage.link(new TorrentListing.Query(null, TorrentListing.Sort.PATH, 1, TorrentListing.PAGE_SIZE),
                TorrentListing.Sort.PATH, 1));
    }
}
