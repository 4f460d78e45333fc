package io.github.torrenthttpbridge.site;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.torrenthttpbridge.origin.OriginClient;
import io.github.torrenthttpbridge.site.SiteHttp.Req;
import io.github.torrenthttpbridge.site.SiteHttp.Res;
import io.github.torrenthttpbridge.site.SiteHttp.View;
import io.github.torrenthttpbridge.torrent.Fixtures;
import io.github.torrenthttpbridge.torrent.HashProgress;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP contract of {@link SiteHandler}: routes, status codes, headers and bodies, without a container. */
class SiteHandlerTest {
    static final Map<String, Set<String>> DIRS = Map.of("/files/", Set.of("/files/a.iso", "/files/sub/"),
            "/files/sub/", Set.of("/files/sub/b.iso"), "/empty/", Set.of());

    final View view = new View();
    final List<String> statusCalls = new ArrayList<>();
    final List<String> trackerCalls = new ArrayList<>();
    TorrentMetadata torrent;
    boolean originKnown = true;

    @BeforeEach
    void torrent() throws Exception {
        torrent = TorrentMetadata.parse(Fixtures.resource("single-v2.torrent"));
    }

    SiteHandler handler(PathPolicy policy, boolean tracker) {
        return SiteHandler.builder(view, policy)
                .statusPage("/torrent-bridge/", (rq, rs) -> {
                    statusCalls.add(rq.path());
                    rs.send("text/html", new byte[0]);
                })
                .tracker(tracker ? new SiteHandler.Tracker() {
                    @Override
                    public byte[] announce(String q, java.net.InetAddress client, java.net.InetAddress local) {
                        trackerCalls.add("announce " + q + " " + client.getHostAddress());
                        return "d8:intervali60ee".getBytes();
                    }

                    @Override
                    public byte[] scrape(String q) {
                        trackerCalls.add("scrape " + q);
                        return "d5:filesdee".getBytes();
                    }
                } : null)
                .files(p -> p.equals("/real.iso.torrent"), DIRS::get)
                .originKnown(() -> originKnown)
                .maxWait(Duration.ofSeconds(3))
                .minSize(1000)
                .build();
    }

    SiteHandler handler() {
        return handler(new PathPolicy(List.of("/*"), List.of("/files/private/*"), true, List.of("*.html")), true);
    }

    Res answer(Req r) throws Exception {
        Res s = new Res();
        assertTrue(handler().handle(r, s), "answered: " + r);
        return s;
    }

    boolean passes(Req r) throws Exception {
        Res s = new Res();
        boolean handled = handler().handle(r, s);
        assertTrue(handled || (s.body == null && s.error == null && s.headers.isEmpty()), "a passed request is untouched");
        return !handled;
    }

    void ready(String path) {
        view.statuses.put(path, TorrentStatus.ready(path, torrent, null, Instant.EPOCH));
    }

    // ---- F?torrent, F?magnet when READY ----

    @Test
    void torrentIsTheMetainfoAsAnAttachmentNeverCached() throws Exception {
        ready("/files/a.iso");
        Res s = answer(Req.get("/files/a.iso", "torrent"));
        assertEquals(200, s.status);
        assertEquals("application/x-bittorrent", s.contentType);
        assertArrayEquals(torrent.encoded(), s.body);
        assertEquals(SiteLinks.disposition(torrent.name() + ".torrent"), s.headers.get("Content-Disposition"));
        assertEquals("no-cache", s.headers.get("Cache-Control"));
        assertEquals(Duration.ofSeconds(3), view.waited, "waits max-wait for a torrent being hashed");
        assertArrayEquals(torrent.encoded(), answer(Req.get("/files/a.iso", "torrent").method("HEAD")).body, "HEAD too");
    }

    @Test
    void dotTorrentIsTheTorrentUnlessTheSiteHasThatFile() throws Exception {
        ready("/files/a.iso");
        Res s = answer(Req.get("/files/a.iso.torrent", null));
        assertArrayEquals(torrent.encoded(), s.body);
        assertEquals(List.of("/files/a.iso"), view.awaited);
        assertTrue(passes(Req.get("/real.iso.torrent", null)), "a real F.torrent is the site's");
        assertTrue(passes(Req.get("/files/private/x.torrent", null)), "excluded");
        assertTrue(passes(Req.get("/files/a.iso.torrent", "x=1")), "with a query");
        assertTrue(passes(Req.get("/files/a.iso.torrent", null).method("POST")));
    }

    @Test
    void magnetIsTextForScriptsAndA303ForBrowsers() throws Exception {
        ready("/files/a.iso");
        Res script = answer(Req.get("/files/a.iso", "magnet").with("Accept", "*/*"));
        assertEquals(200, script.status);
        assertEquals("text/plain;charset=UTF-8", script.contentType);
        assertEquals(torrent.magnetLink(), script.text());
        Res browser = answer(Req.get("/files/a.iso", "magnet").with("Accept", "TEXT/HTML,*/*"));
        assertEquals(303, browser.status);
        assertEquals(torrent.magnetLink(), browser.headers.get("Location"));
        assertEquals("text/html;charset=UTF-8", browser.contentType);
        assertEquals("<!DOCTYPE html><title>magnet link</title><p><a href=\"" + Json.html(torrent.magnetLink())
                + "\">Open " + Json.html(torrent.name()) + " in your BitTorrent client</a></p>", browser.text());
        assertEquals("no-cache", browser.headers.get("Cache-Control"));
    }

    @Test
    void onlyGetAndHeadAreAnswered() throws Exception {
        ready("/files/a.iso");
        assertTrue(passes(Req.get("/files/a.iso", "torrent").method("POST")));
        assertTrue(passes(Req.get("/files/a.iso", "torrents")));
        assertFalse(passes(Req.get("/files/a.iso", "magnet").method("HEAD")));
    }

    // ---- while hashing, queued, failed, not bridged ----

    @Test
    void hashingIs202WithRetryAfterAndProgressJson() throws Exception {
        view.statuses.put("/files/a.iso", TorrentStatus.hashing("/files/a.iso", new HashProgress(256, 1024, 10)));
        Res s = answer(Req.get("/files/a.iso", "torrent"));
        assertEquals(202, s.status);
        assertEquals("2", s.headers.get("Retry-After"));
        assertEquals("no-cache", s.headers.get("Cache-Control"));
        assertEquals("application/json;charset=UTF-8", s.contentType);
        assertEquals("{\"state\":\"hashing\",\"path\":\"/files/a.iso\",\"percent\":25.0,\"bytesDone\":256,\"bytesTotal\":1024}", s.text());
        Res magnet = answer(Req.get("/files/a.iso", "magnet"));
        assertEquals(202, magnet.status);
        assertEquals("application/json;charset=UTF-8", magnet.contentType, "a script asking for the magnet gets JSON too");
    }

    @Test
    void hashingWithoutProgressYetIsZero() throws Exception {
        view.statuses.put("/files/a\"b.iso", TorrentStatus.hashing("/files/a\"b.iso", null));
        assertEquals("{\"state\":\"hashing\",\"path\":\"/files/a\\\"b.iso\",\"percent\":0.0,\"bytesDone\":0,\"bytesTotal\":0}",
                answer(Req.get("/files/a\"b.iso", "torrent")).text());
    }

    @Test
    void aBrowserWaitingForItsMagnetGetsAProgressPage() throws Exception {
        view.statuses.put("/files/a.iso", TorrentStatus.hashing("/files/a.iso", new HashProgress(512, 1024, 10)));
        Res s = answer(Req.get("/files/a.iso", "magnet").with("Accept", "text/html"));
        assertEquals(202, s.status);
        assertEquals("2", s.headers.get("Retry-After"));
        assertEquals("text/html;charset=UTF-8", s.contentType);
        assertEquals(ProgressPage.html("/files/a.iso", new HashProgress(512, 1024, 10)), s.text());
        assertTrue(s.text().contains("<meta http-equiv=\"refresh\" content=\"2\">"), s.text());
        assertTrue(s.text().contains("value=\"50.0\""), s.text());
    }

    @Test
    void queuedOrFailedIs503WithRetryAfter30() throws Exception {
        for (TorrentStatus.State state : new TorrentStatus.State[] {TorrentStatus.State.BUSY, TorrentStatus.State.FAILED}) {
            view.statuses.put("/files/a.iso", new TorrentStatus("/files/a.iso", state, null, null, null, "queue full", null));
            Res s = answer(Req.get("/files/a.iso", "torrent"));
            assertEquals(503, s.error, state.name());
            assertEquals("queue full", s.message);
            assertEquals("30", s.headers.get("Retry-After"));
            assertEquals("no-cache", s.headers.get("Cache-Control"));
        }
    }

    @Test
    void notBridgedIs404() throws Exception {
        Res s = answer(Req.get("/files/small.iso", "torrent"));
        assertEquals(404, s.error);
        assertEquals("not bridged", s.message, "a file's reason is not told");
        Res excluded = answer(Req.get("/files/private/x.iso", "torrent"));
        assertEquals(404, excluded.error);
        assertEquals("not bridged", excluded.message);
        assertEquals(List.of("/files/small.iso"), view.awaited, "an excluded path is not even looked up");
        for (String never : new String[] {"/WEB-INF/web.xml", "/meta-inf/x.iso", "/a/../WEB-INF/x"}) {
            assertEquals(404, answer(Req.get(never, "torrent")).error, never);
        }
        assertEquals(1, view.awaited.size());
    }

    // ---- directories ----

    @Test
    void aDirectoryWithoutItsSlashIsRedirected() throws Exception {
        Res s = answer(Req.get("/files", "magnet").context("/my ctx"));
        assertEquals(301, s.status);
        assertEquals("/my%20ctx/files/?magnet", s.headers.get("Location"));
        assertNull(s.body);
        assertTrue(view.awaited.isEmpty());
        assertEquals(404, answer(Req.get("/empty", "torrent")).error, "an empty directory is not one");
    }

    @Test
    void aDirectoryTorrentSaysWhatItLeftOut() throws Exception {
        view.statuses.put("/files/", new TorrentStatus("/files/", TorrentStatus.State.READY, torrent, null, null,
                "/files/x.bin: too small \u00e9\n", Instant.EPOCH));
        Res s = answer(Req.get("/files/", "torrent"));
        assertEquals(200, s.status);
        assertEquals("/files/x.bin: too small ??", s.headers.get("X-Torrent-Bridge-Left-Out"), "printable ASCII only");
        view.statuses.put("/files/", TorrentStatus.notBridged("/files/", "no file is public"));
        Res none = answer(Req.get("/files/", "torrent"));
        assertEquals(404, none.error);
        assertEquals("not bridged: no file is public", none.message, "a directory's reason is told");
        assertFalse(none.headers.containsKey("X-Torrent-Bridge-Left-Out"));
        assertEquals(404, answer(Req.get("/empty/", "torrent")).error);
        assertEquals(404, answer(Req.get("/files/private/", "torrent")).error);
        assertEquals(1000, TorrentEndpoint.ascii("x".repeat(2000)).length() - 3);
    }

    // ---- status page, tracker, the bridge's own requests ----

    @Test
    void statusPageAndTracker() throws Exception {
        answer(Req.get("/torrent-bridge/", null));
        answer(Req.get("/torrent-bridge", "format=json"));
        answer(Req.get("/torrent-bridge/x", null));
        assertEquals(List.of("/torrent-bridge/", "/torrent-bridge", "/torrent-bridge/x"), statusCalls);
        Res a = answer(Req.get("/torrent-bridge/announce", "info_hash=x"));
        assertEquals("text/plain", a.contentType);
        assertEquals("no-cache", a.headers.get("Cache-Control"));
        assertEquals("d8:intervali60ee", a.text());
        assertEquals("d5:filesdee", answer(Req.get("/torrent-bridge/scrape", "info_hash=y")).text());
        assertEquals(List.of("announce info_hash=x 127.0.0.1", "scrape info_hash=y"), trackerCalls);
        Res s = new Res();
        assertTrue(handler(PathPolicy.everything(), false).handle(Req.get("/torrent-bridge/announce", "x"), s));
        assertEquals(4, statusCalls.size(), "without the tracker, its path is the status page's");
    }

    @Test
    void theBridgesOwnRequestsAreUntouched() throws Exception {
        ready("/files/a.iso");
        Req own = Req.get("/files/a.iso", "torrent").with(OriginClient.BRIDGE_HEADER, "1");
        assertTrue(passes(own));
        assertTrue(passes(Req.get("/torrent-bridge/", null).with(OriginClient.BRIDGE_HEADER, "1")));
        assertNull(handler().decoration(Req.get("/files/a.iso", null).with(OriginClient.BRIDGE_HEADER, "1")));
        assertTrue(view.awaited.isEmpty());
    }

    // ---- what passes on to the site: the Link header and page links ----

    @Test
    void bridgedFilesGetTheLinkHeader() throws Exception {
        Decoration d = handler().decoration(Req.get("/files/a b.iso", null).context("/c"));
        String link = "</c/files/a%20b.iso?torrent>; rel=\"describedby\"; type=\"application/x-bittorrent\"";
        assertEquals(link, d.linkHeader(200, 1000));
        assertEquals(link, d.linkHeader(200, -1), "length unknown");
        assertNull(d.linkHeader(200, 999), "smaller than min-size");
        assertEquals(link, d.linkHeader(206, 10), "a range of a file is of a big enough file");
        assertNull(d.linkHeader(304, -1));
        assertNull(d.linkHeader(404, 5000));
        assertFalse(d.rewrites(200, "text/html", null, null), "not a page that gets links");
        assertNull(handler().decoration(Req.get("/files/private/a.iso", null)), "excluded: untouched");
        assertNull(handler().decoration(Req.get("/files/a.iso", null).method("POST")));
        assertNull(handler().decoration(Req.get("/files/", null)));
    }

    @Test
    void rangeRequestsOfBridgedFilesAreCounted() {
        handler().decoration(Req.get("/files/a.iso", null).with("Range", "bytes=0-1"));
        handler().decoration(Req.get("/files/a.iso", null));
        handler().decoration(Req.get("/files/private/a.iso", null).with("Range", "bytes=0-1"));
        assertEquals(List.of("/files/a.iso"), view.counted);
    }

    @Test
    void pagesGetRewrittenWhenHtmlInAnAsciiCharset() {
        Decoration d = handler().decoration(Req.get("/index.html", null));
        assertTrue(d.rewrites(200, "text/html", null, null));
        assertTrue(d.rewrites(200, "TEXT/HTML;charset=ISO-8859-1", "ISO-8859-1", null));
        assertTrue(d.rewrites(200, "text/html", "utf-8", null));
        assertFalse(d.rewrites(200, "text/html", "UTF-16", null));
        assertFalse(d.rewrites(200, "text/html", "utf-32be", null));
        assertFalse(d.rewrites(200, "text/html", "UTF-7", null));
        assertFalse(d.rewrites(200, "text/html", null, "gzip"), "compressed");
        assertFalse(d.rewrites(404, "text/html", null, null));
        assertFalse(d.rewrites(200, "text/plain", null, null));
        assertFalse(d.rewrites(200, null, null, null));
        assertTrue(Decoration.dropsFromPage("etag") && Decoration.dropsFromPage("Last-Modified"), "the page changes");
        assertFalse(Decoration.dropsFromPage("Content-Type"));
        assertEquals("no-cache", Decoration.PAGE_CACHE_CONTROL, "its links change as torrents become ready");
        assertNull(handler(new PathPolicy(List.of("*.iso"), List.of(), false, List.of("/*")), true)
                .decoration(Req.get("/index.html", null)), "inject-links=false");
    }

    @Test
    void pageLinksUseTheOneTemplate() throws Exception {
        view.magnets.put("/files/known.iso", "magnet:?xt=urn:btih:ab&dn=a&b");
        view.notPublic.add("/files/secret.iso");
        Decoration d = handler().decoration(Req.get("/dl/index.html", null).context("/c"));
        String page = "<a href=\"/c/files/a.iso\">a</a><a href=\"../files/known.iso\">k</a><a href=\"/c/files/secret.iso\">s</a>"
                + "<a href=\"/c/files/page.html\">p</a><a href=\"/c/files/private/x.iso\">x</a><a href=\"/c/files/\">d</a>"
                + "<a href=\"/c/dl/\">own</a><a href=\"/c/files/noext\">n</a><a href=\"https://elsewhere/a.iso\">e</a>";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        HtmlLinkInjector w = d.rewriter(out);
        w.write(page.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        w.endOfStream();
        String links = " <span class=\"torrent-links\">[<a class=\"torrent-link\" type=\"application/x-bittorrent\" href=\"";
        assertEquals("<a href=\"/c/files/a.iso\">a</a>" + links + "/c/files/a.iso?torrent\">torrent</a> | "
                + "<a class=\"magnet-link\" href=\"/c/files/a.iso?magnet\">magnet</a>]</span>"
                + "<a href=\"../files/known.iso\">k</a>" + links + "/c/files/known.iso?torrent\">torrent</a> | "
                + "<a class=\"magnet-link\" href=\"magnet:?xt=urn:btih:ab&amp;dn=a&amp;b\">magnet</a>]</span>"
                + "<a href=\"/c/files/secret.iso\">s</a><a href=\"/c/files/page.html\">p</a><a href=\"/c/files/private/x.iso\">x</a>"
                + "<a href=\"/c/files/\">d</a>" + links + "/c/files/?torrent\">torrent</a> | "
                + "<a class=\"magnet-link\" href=\"/c/files/?magnet\">magnet</a>]</span>"
                + "<a href=\"/c/dl/\">own</a><a href=\"/c/files/noext\">n</a><a href=\"https://elsewhere/a.iso\">e</a>",
                out.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of("/files/a.iso", "/files/"), view.prepared, "torrents without a known magnet are prepared");
        assertEquals(SiteLinks.html("/c", "/files/a.iso", java.util.Optional.empty()),
                links.substring(1, links.lastIndexOf("<a")) + "<a class=\"torrent-link\" type=\"application/x-bittorrent\" href=\"/c/files/a.iso?torrent\">torrent</a> | "
                        + "<a class=\"magnet-link\" href=\"/c/files/a.iso?magnet\">magnet</a>]</span>");
    }

    @Test
    void nothingIsPreparedBeforeTheOriginIsKnown() throws Exception {
        originKnown = false;
        Decoration d = handler().decoration(Req.get("/index.html", null));
        HtmlLinkInjector w = d.rewriter(new java.io.ByteArrayOutputStream());
        w.write("<a href=\"files/a.iso\">a</a>".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        w.endOfStream();
        assertTrue(view.prepared.isEmpty());
    }
}
