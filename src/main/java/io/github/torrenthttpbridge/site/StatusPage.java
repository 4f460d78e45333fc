package io.github.torrenthttpbridge.site;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.github.torrenthttpbridge.bridge.BridgeCounters;
import io.github.torrenthttpbridge.bridge.SeedState;
import io.github.torrenthttpbridge.bridge.SeedStats;
import io.github.torrenthttpbridge.swarm.AnnouncerStats;

/**
 * The status page: the torrents with their state and figures, a page at a time ({@code ?page=}, {@code ?per=} up to
 * 1,000 rows, default 100; {@code ?q=} filters by path, {@code ?sort=uploaded}), totals for all of them, and the
 * bridge's identity. HTML for people (binary units, hashing progress bars, each torrent's age), or {@code
 * ?format=json} with exact numbers for scripts. Its cost follows the page, not the number of torrents: rows are made
 * from what is held in memory ({@link SiteTorrents#list}), totals come from counters
 * (the transfer figures at most once a second).
 */
final class StatusPage {
    private StatusPage() {
    }

    static String state(TorrentListing.Row s) {
        return switch (s.state()) {
            case HASHING -> "hashing";
            case READY -> s.handle().state() == SeedState.SEEDING ? "seeding" : s.handle().state().name().toLowerCase(Locale.ROOT);
            case FAILED -> "failed";
            case BUSY -> "queued";
            case NOT_BRIDGED -> "not bridged";
        };
    }

    /** The query of {@code ?q=&sort=uploaded&page=&per=}; an unreadable one is an IllegalArgumentException. */
    static TorrentListing.Query query(SiteRequest request) {
        String q = request.parameter("q");
        if (q != null && q.length() > MAX_FILTER) {
            throw new IllegalArgumentException("q is longer than " + MAX_FILTER + " characters");
        }
        return new TorrentListing.Query(q, "uploaded".equals(request.parameter("sort")) ? TorrentListing.Sort.UPLOADED
                : TorrentListing.Sort.PATH, intParam(request, "page", 1), intParam(request, "per", TorrentListing.PAGE_SIZE));
    }

    static final int MAX_FILTER = 200;

    private static int intParam(SiteRequest request, String name, int def) {
        String v = request.parameter(name);
        if (v == null || v.isEmpty()) {
            return def;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: " + v);
        }
    }

    static void render(StatusSource b, SiteRequest request, SiteResponse response) throws IOException {
        TorrentListing.Query q;
        try {
            q = query(request);
        } catch (IllegalArgumentException e) {
            response.error(400, e.getMessage());
            return;
        }
        TorrentListing listing = b.torrents().list(q);
        SeedStats totals = b.totals();
        response.header("Cache-Control", "no-cache");
        String dhtId = b.bridge().dhtNodeIdHex().orElse(null);
        String dht = !b.dht() ? "off" : dhtId != null ? "running" : "starting";
        if ("json".equals(request.parameter("format"))) {
            StringWriter out = new StringWriter();
            PrintWriter w = new PrintWriter(out);
            w.print("{\"bridge\":{\"torrentPort\":" + b.bridge().torrentPort() + ",\"peerId\":" + Json.str(b.bridge().peerIdHex())
                    + ",\"dhtNodeId\":" + Json.str(dhtId) + ",\"dht\":" + Json.str(dht)
                    + ",\"origin\":" + Json.str(b.origin() == null ? null : b.origin().toString())
                    + ",\"hashJobsStarted\":" + b.torrents().hashJobsStarted() + ",\"hashesRun\":" + b.torrents().hashesRun()
                    + ",\"hashingElsewhere\":" + b.torrents().hashingElsewhere()
                    + ",\"announceAddress\":" + Json.str(b.bridge().announcedAddress().map(a -> a.getHostString() + ":" + a.getPort()).orElse(null))
                    + ",\"instances\":" + b.instances()
                    + ",\"peersDropped\":" + b.bridge().peersDropped()
                    + ",\"peersChoked\":" + b.bridge().peersChoked() + ",\"handshakesRefused\":" + b.bridge().handshakesRefused()
                    + ",\"droppedBy\":" + countsJson(b.bridge().peersDroppedByReason())
                    + ",\"chokedBy\":" + countsJson(b.bridge().peersChokedByReason())
                    + ",\"refusedBy\":" + countsJson(b.bridge().handshakesRefusedByReason())
                    + ",\"cache\":" + cacheJson(b.bridge().counters())
                    + ",\"announces\":" + announcesJson(b.bridge().announceStats())
                    + "},\"totals\":{\"torrents\":" + listing.total() + ",\"seeded\":" + listing.seeded()
                    + ",\"length\":" + listing.bytes() + ",\"peers\":" + totals.peers() + ",\"uploaded\":" + totals.uploaded()
                    + ",\"completed\":" + totals.peersCompleted()
                    + ",\"originBytes\":" + totals.originBytes() + ",\"memoryHits\":" + totals.cacheHits()
                    + ",\"diskHits\":" + totals.diskHits() + ",\"diskFailures\":" + totals.diskFailures()
                    + ",\"verificationFailures\":" + totals.verificationFailures()
                    + ",\"trackerPeers\":" + b.trackerPeers() + ",\"webseedRequests\":" + b.torrents().webseedRequestsTotal()
                    + "},\"page\":" + q.page() + ",\"pages\":" + listing.pages() + ",\"pageSize\":" + q.pageSize()
                    + ",\"matching\":" + listing.matching() + ",\"filter\":" + Json.str(q.filter())
                    + ",\"sort\":" + Json.str(q.sort().name().toLowerCase(Locale.ROOT))
                    + ",\"torrents\":[");
            boolean first = true;
            for (TorrentListing.Row s : listing.rows()) {
                w.print(first ? "" : ",");
                first = false;
                w.print("{\"file\":" + Json.str(s.path()) + ",\"state\":" + Json.str(state(s)));
                if (s.progress() != null) {
                    w.print(String.format(Locale.ROOT, ",\"percent\":%.1f,\"mibPerSecond\":%.1f", s.progress().percent(), s.progress().mibPerSecond()));
                }
                if (s.reason() != null) {
                    w.print(",\"reason\":" + Json.str(s.reason()));
                }
                if (s.handle() != null) {
                    SeedStats st = s.handle().stats();
                    w.print(",\"infohash\":" + Json.str(s.infoHash().hex()) + ",\"magnet\":" + Json.str(s.magnet())
                            + ",\"length\":" + s.length() + ",\"peers\":" + st.peers() + ",\"uploaded\":" + st.uploaded()
                            + ",\"copies\":" + copiesJson(st, s.length()) + ",\"completed\":" + st.peersCompleted()
                            + ",\"originBytes\":" + st.originBytes() + ",\"originRatio\":" + ratioJson(st)
                            + ",\"memoryHits\":" + st.cacheHits() + ",\"diskHits\":" + st.diskHits()
                            + ",\"diskFailures\":" + st.diskFailures() + ",\"verificationFailures\":" + st.verificationFailures()
                            + ",\"trackerPeers\":" + b.trackerPeers(s.infoHash())
                            + ",\"webseedRequests\":" + b.torrents().webseedRequests(s.path())
                            + ",\"staleReason\":" + Json.str(s.handle().staleReason().orElse(null))
                            + ",\"since\":" + Json.str(String.valueOf(s.since()))
                            + ",\"ageSeconds\":" + java.time.Duration.between(s.since(), java.time.Instant.now()).getSeconds());
                }
                w.print("}");
            }
            w.print("]}");
            w.flush();
            response.send("application/json;charset=UTF-8", out.toString().getBytes(StandardCharsets.UTF_8));
            return;
        }
        boolean byUploaded = q.sort() == TorrentListing.Sort.UPLOADED;
        StringWriter out = new StringWriter();
        PrintWriter w = new PrintWriter(out);
        w.println("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">"
                + "<title>torrent-http-bridge status</title><style>body{font-family:sans-serif;margin:2em}"
                + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
                + "td.n,th.n{text-align:right}td.n{white-space:nowrap}tr.totals td{font-weight:bold;background:#f4f4f4}"
                + "progress{width:8em;vertical-align:middle}code{font-size:.85em}th a{color:inherit}</style></head>"
                + "<body><h1>torrent-http-bridge</h1>");
        w.println("<p>Peers port <b>" + b.bridge().torrentPort() + "</b> &middot; peer id <code>" + b.bridge().peerIdHex()
                + "</code> &middot; DHT " + dht + (dhtId != null ? " (node id <code>" + dhtId + "</code>)" : "")
                + " &middot; origin <code>" + Json.html(String.valueOf(b.origin())) + "</code></p>");
        w.println("<p>Peers dropped (protocol abuse, floods, not reading) <b>" + b.bridge().peersDropped()
                + "</b> &middot; choked while the origin failed <b>" + b.bridge().peersChoked()
                + "</b> &middot; handshakes refused <b>" + b.bridge().handshakesRefused() + "</b></p>");
        w.println("<p>By reason: dropped " + countsHtml(b.bridge().peersDroppedByReason()) + " &middot; choked "
                + countsHtml(b.bridge().peersChokedByReason()) + " &middot; refused "
                + countsHtml(b.bridge().handshakesRefusedByReason()) + "</p>");
        AnnouncerStats a = b.bridge().announceStats();
        StringBuilder errors = new StringBuilder();
        a.lastErrorByHost().forEach((host, error) -> errors.append(errors.length() == 0 ? " &middot; last errors: " : "; ")
                .append("<code>").append(Json.html(host)).append("</code> ").append(Json.html(error)));
        w.println("<p>Announces: DHT <b>" + a.dhtOk() + "</b> ok, " + a.dhtFailed() + " failed &middot; trackers <b>"
                + a.trackerOk() + "</b> ok, " + a.trackerFailed() + " failed" + errors + "</p>");
        BridgeCounters c = b.bridge().counters();
        w.println(String.format(Locale.ROOT, "<p>Piece cache: memory <b>%s</b> of %s (%d spans pinned by requests being"
                        + " served) &middot; disk <b>%s</b> of %s &middot; origin requests in flight <b>%d</b></p>",
                Units.bytes(c.memoryBytes()), Units.bytes(c.memoryMaxBytes()), c.pinnedSpans(), Units.bytes(c.diskBytes()),
                Units.bytes(c.diskMaxBytes()), c.originInFlight()));
        w.println("<form method=\"get\"><input type=\"search\" name=\"q\" placeholder=\"path contains\" value=\""
                + Json.html(q.filter() == null ? "" : q.filter()) + "\">" + (byUploaded ? "<input type=\"hidden\" name=\"sort\" value=\"uploaded\">" : "")
                + " <button>filter</button> " + listing.matching() + " of " + listing.total() + " files"
                + pageLinks(q, listing) + "</form>");
        String sortLink = byUploaded ? "<a href=\"" + link(q, TorrentListing.Sort.PATH, 1) + "\" title=\"sort by file\">uploaded &#9660;</a>"
                : "<a href=\"" + link(q, TorrentListing.Sort.UPLOADED, 1) + "\" title=\"sort by bytes uploaded\">uploaded</a>";
        w.println("<table><tr><th>" + (byUploaded ? "<a href=\"" + link(q, TorrentListing.Sort.PATH, 1) + "\">file</a>" : "file &#9650;")
                + "</th><th>state</th><th class=\"n\">size</th>"
                + "<th class=\"n\">age</th><th>info hash</th><th class=\"n\">peers</th><th class=\"n\">tracker peers</th>"
                + "<th class=\"n uploaded\">" + sortLink + "</th><th class=\"n\">fetched from origin</th>"
                + "<th class=\"n\">origin &divide; uploaded</th><th class=\"n\">cache hits: memory / disk</th>"
                + "<th class=\"n\">verification failures: origin / disk</th><th class=\"n\">web seed requests</th><th>links</th></tr>");
        java.time.Instant now = java.time.Instant.now();
        for (TorrentListing.Row s : listing.rows()) {
            String st = Json.html(state(s));
            if (s.progress() != null) {
                st += String.format(Locale.ROOT, "<br><progress class=\"hashing\" max=\"100\" value=\"%.1f\"></progress> %.0f%% (%.0f MiB/s)",
                        s.progress().percent(), s.progress().percent(), s.progress().mibPerSecond());
            }
            w.print("<tr class=\"torrent\"><td>" + Json.html(s.path()) + "</td><td class=\"state\">" + st
                    + (s.reason() != null ? "<br><small>" + Json.html(s.reason()) + "</small>" : "") + "</td>");
            if (s.handle() != null) {
                SeedStats x = s.handle().stats();
                String torrent = Json.html(SiteLinks.torrentUrl(request.contextPath(), s.path()));
                w.print(num(Units.bytes(s.length()), s.length())
                        + "<td class=\"n age\" title=\"seeded since " + s.since() + "\">" + Units.age(java.time.Duration.between(s.since(), now)) + "</td>"
                        + "<td><code>" + s.infoHash().hex() + "</code></td>" + num(x.peers()) + num(b.trackerPeers(s.infoHash()))
                        + num(Units.bytes(x.uploaded()) + copiesText(x, s.length()), x.uploaded())
                        + num(Units.bytes(x.originBytes()), x.originBytes())
                        + "<td class=\"n ratio\">" + ratioText(x.originBytes(), x.uploaded()) + "</td>"
                        + "<td class=\"n\">" + x.cacheHits() + " / " + x.diskHits() + "</td>"
                        + "<td class=\"n\">" + x.verificationFailures() + " / " + x.diskFailures() + "</td>" + num(b.torrents().webseedRequests(s.path()))
                        + "<td><a href=\"" + torrent + "\">torrent</a>"
                        + (s.magnet() != null ? " <a href=\"" + Json.html(s.magnet()) + "\">magnet</a>" : "") + "</td>");
            } else {
                w.print(s.progress() != null ? num(Units.bytes(s.progress().bytesTotal()), s.progress().bytesTotal()) : "<td></td>");
                w.print("<td></td><td></td><td></td><td></td><td></td><td></td><td></td><td></td><td></td><td></td><td></td>");
            }
            w.println("</tr>");
        }
        long tTracker = b.trackerPeers();
        w.println("<tr class=\"totals\" title=\"all torrents, not only this page; transfer figures since start, removed torrents"
                + " included\"><td>" + listing.total() + " files in all</td><td></td>" + num(Units.bytes(listing.bytes()), listing.bytes())
                + "<td></td><td></td>" + num(totals.peers()) + num(tTracker) + num(Units.bytes(totals.uploaded()), totals.uploaded())
                + num(Units.bytes(totals.originBytes()), totals.originBytes())
                + "<td class=\"n\">" + ratioText(totals.originBytes(), totals.uploaded()) + "</td><td class=\"n\">"
                + totals.cacheHits() + " / " + totals.diskHits() + "</td>"
                + "<td class=\"n\">" + totals.verificationFailures() + " / " + totals.diskFailures() + "</td>"
                + num(b.torrents().webseedRequestsTotal()) + "<td></td></tr>");
        w.println("</table><p>" + pageLinks(q, listing) + "</p><p>Sizes in binary units (1 MiB = 1,048,576 bytes); exact numbers in"
                + " <a href=\"?format=json\">JSON</a> (paged the same way: <code>?format=json&amp;page=2&amp;q=iso</code>).</p></body></html>");
        w.flush();
        response.send("text/html;charset=UTF-8", out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** "page 2 of 7" with links to the previous and next pages. */
    private static String pageLinks(TorrentListing.Query q, TorrentListing listing) {
        StringBuilder sb = new StringBuilder(" &middot; page " + q.page() + " of " + listing.pages());
        if (q.page() > 1) {
            sb.append(" <a rel=\"prev\" href=\"").append(link(q, q.sort(), q.page() - 1)).append("\">&larr; previous</a>");
        }
        if (q.page() < listing.pages()) {
            sb.append(" <a rel=\"next\" href=\"").append(link(q, q.sort(), q.page() + 1)).append("\">next &rarr;</a>");
        }
        return sb.toString();
    }

    /** The status page's relative link for the same filter and page size, this sort and page (HTML-escaped). */
    static String link(TorrentListing.Query q, TorrentListing.Sort sort, int page) {
        StringBuilder sb = new StringBuilder("?");
        if (q.filter() != null) {
            sb.append("q=").append(java.net.URLEncoder.encode(q.filter(), java.nio.charset.StandardCharsets.UTF_8)).append('&');
        }
        if (sort == TorrentListing.Sort.UPLOADED) {
            sb.append("sort=uploaded&");
        }
        if (q.pageSize() != TorrentListing.PAGE_SIZE) {
            sb.append("per=").append(q.pageSize()).append('&');
        }
        if (page > 1) {
            sb.append("page=").append(page).append('&');
        }
        return Json.html(sb.substring(0, sb.length() - 1).isEmpty() ? "?" : sb.substring(0, sb.length() - 1));
    }

    /** Copies of the torrent uploaded (bytes uploaded ÷ its length), or null for an empty torrent. */
    static String copiesJson(SeedStats s, long length) {
        return length == 0 ? "null" : String.format(Locale.ROOT, "%.3f", s.copies(length));
    }

    /** After the bytes uploaded: copies of the file they make and peers that completed, once there are any. */
    static String copiesText(SeedStats s, long length) {
        return s.uploaded() == 0 || length == 0 ? "" : String.format(Locale.ROOT, " (%.2f copies; %d peers completed)",
                s.copies(length), s.peersCompleted());
    }

    /** Origin bytes ÷ bytes uploaded, or null before any upload. */
    static String ratioJson(SeedStats s) {
        return s.uploaded() == 0 ? "null" : String.format(Locale.ROOT, "%.4f", s.originRatio());
    }

    static String ratioText(long origin, long uploaded) {
        return uploaded == 0 ? "-" : String.format(Locale.ROOT, "%.3f", (double) origin / uploaded);
    }

    static String announcesJson(AnnouncerStats a) {
        StringBuilder errors = new StringBuilder("{");
        a.lastErrorByHost().forEach((host, error) -> errors.append(errors.length() > 1 ? "," : "").append(Json.str(host))
                .append(':').append(Json.str(error)));
        return "{\"dhtOk\":" + a.dhtOk() + ",\"dhtFailed\":" + a.dhtFailed() + ",\"trackerOk\":" + a.trackerOk()
                + ",\"trackerFailed\":" + a.trackerFailed() + ",\"inFlight\":" + a.inFlight()
                + ",\"trackerErrors\":" + errors.append('}') + "}";
    }

    static String cacheJson(BridgeCounters c) {
        return "{\"memoryBytes\":" + c.memoryBytes() + ",\"memoryMaxBytes\":" + c.memoryMaxBytes()
                + ",\"pinnedSpans\":" + c.pinnedSpans() + ",\"diskBytes\":" + c.diskBytes()
                + ",\"diskMaxBytes\":" + c.diskMaxBytes() + ",\"originInFlight\":" + c.originInFlight()
                + ",\"readPermitsHeld\":" + c.readPermitsHeld() + ",\"pendingLoads\":" + c.pendingLoads()
                + ",\"pieceClaims\":" + c.engineClaims() + "}";
    }

    private static String num(long n) {
        return "<td class=\"n\">" + n + "</td>";
    }

    /** A human figure, with the exact byte count as its tooltip. */
    private static String num(String human, long exact) {
        return "<td class=\"n\" title=\"" + exact + " bytes\">" + human + "</td>";
    }

    /** {"reason":count,...} */
    private static String countsJson(java.util.Map<String, Long> counts) {
        StringBuilder b = new StringBuilder("{");
        counts.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(Json.str(k)).append(':').append(v));
        return b.append('}').toString();
    }

    private static String countsHtml(java.util.Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        counts.forEach((k, v) -> b.append(b.length() > 0 ? ", " : "").append(Json.html(k)).append(" <b>").append(v).append("</b>"));
        return b.toString();
    }
}
