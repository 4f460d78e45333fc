package io.github.torrenthttpbridge.servlet;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

import io.github.torrenthttpbridge.bridge.BridgeCounters;
import io.github.torrenthttpbridge.bridge.SeedState;
import io.github.torrenthttpbridge.bridge.SeedStats;
import io.github.torrenthttpbridge.site.TorrentStatus;
import io.github.torrenthttpbridge.swarm.AnnouncerStats;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The status page: every torrent with its state and figures, and the bridge's identity. HTML for people (binary
 * units, a totals row, hashing progress bars, each torrent's age, {@code ?sort=uploaded}), or {@code ?format=json}
 * with exact numbers for scripts.
 */
final class StatusPage {
    private StatusPage() {
    }

    static String state(TorrentStatus s) {
        return switch (s.state()) {
            case HASHING -> "hashing";
            case READY -> s.handle().state() == SeedState.SEEDING ? "seeding" : s.handle().state().name().toLowerCase(Locale.ROOT);
            case FAILED -> "failed";
            case BUSY -> "queued";
            case NOT_BRIDGED -> "not bridged";
        };
    }

    static void render(BridgeContext b, HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<TorrentStatus> all = b.site.all();
        response.setHeader("Cache-Control", "no-cache");
        String dhtId = b.bridge.dhtNodeIdHex().orElse(null);
        String dht = !b.settings.dht() ? "off" : dhtId != null ? "running" : "starting";
        if ("json".equals(request.getParameter("format"))) {
            response.setContentType("application/json;charset=UTF-8");
            PrintWriter w = response.getWriter();
            w.print("{\"bridge\":{\"torrentPort\":" + b.bridge.torrentPort() + ",\"peerId\":" + Json.str(b.bridge.peerIdHex())
                    + ",\"dhtNodeId\":" + Json.str(dhtId) + ",\"dht\":" + Json.str(dht)
                    + ",\"origin\":" + Json.str(b.origin.get() == null ? null : b.origin.get().toString())
                    + ",\"hashJobsStarted\":" + b.site.hashJobsStarted() + ",\"hashesRun\":" + b.site.hashesRun()
                    + ",\"hashingElsewhere\":" + b.site.hashingElsewhere()
                    + ",\"announceAddress\":" + Json.str(b.bridge.announcedAddress().map(a -> a.getHostString() + ":" + a.getPort()).orElse(null))
                    + ",\"instances\":" + b.instances.live().size()
                    + ",\"peersDropped\":" + b.bridge.peersDropped()
                    + ",\"peersChoked\":" + b.bridge.peersChoked() + ",\"handshakesRefused\":" + b.bridge.handshakesRefused()
                    + ",\"droppedBy\":" + countsJson(b.bridge.peersDroppedByReason())
                    + ",\"chokedBy\":" + countsJson(b.bridge.peersChokedByReason())
                    + ",\"refusedBy\":" + countsJson(b.bridge.handshakesRefusedByReason())
                    + ",\"cache\":" + cacheJson(b.bridge.counters())
                    + ",\"announces\":" + announcesJson(b.bridge.announceStats())
                    + "},\"torrents\":[");
            boolean first = true;
            for (TorrentStatus s : all) {
                w.print(first ? "" : ",");
                first = false;
                w.print("{\"file\":" + Json.str(s.path()) + ",\"state\":" + Json.str(state(s)));
                if (s.progress() != null) {
                    w.print(String.format(Locale.ROOT, ",\"percent\":%.1f,\"mibPerSecond\":%.1f", s.progress().percent(), s.progress().mibPerSecond()));
                }
                if (s.reason() != null) {
                    w.print(",\"reason\":" + Json.str(s.reason()));
                }
                if (s.torrent() != null) {
                    SeedStats st = s.handle().stats();
                    w.print(",\"infohash\":" + Json.str(s.torrent().infoHash().hex()) + ",\"magnet\":" + Json.str(s.torrent().magnetLink())
                            + ",\"length\":" + s.torrent().length() + ",\"peers\":" + st.peers() + ",\"uploaded\":" + st.uploaded()
                            + ",\"originBytes\":" + st.originBytes() + ",\"originRatio\":" + ratioJson(st)
                            + ",\"memoryHits\":" + st.cacheHits() + ",\"diskHits\":" + st.diskHits()
                            + ",\"diskFailures\":" + st.diskFailures() + ",\"verificationFailures\":" + st.verificationFailures()
                            + ",\"trackerPeers\":" + b.tracker.peerCount(s.torrent().infoHash())
                            + ",\"webseedRequests\":" + b.site.webseedRequests(s.path())
                            + ",\"staleReason\":" + Json.str(s.handle().staleReason().orElse(null))
                            + ",\"since\":" + Json.str(String.valueOf(s.since()))
                            + ",\"ageSeconds\":" + java.time.Duration.between(s.since(), java.time.Instant.now()).getSeconds());
                }
                w.print("}");
            }
            w.print("]}");
            return;
        }
        response.setContentType("text/html;charset=UTF-8");
        boolean byUploaded = "uploaded".equals(request.getParameter("sort"));
        if (byUploaded) {
            all = new java.util.ArrayList<>(all);
            all.sort(java.util.Comparator.comparingLong((TorrentStatus s) -> s.handle() == null ? -1 : s.handle().stats().uploaded())
                    .reversed().thenComparing(TorrentStatus::path));
        }
        PrintWriter w = response.getWriter();
        w.println("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">"
                + "<title>torrent-http-bridge status</title><style>body{font-family:sans-serif;margin:2em}"
                + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
                + "td.n,th.n{text-align:right}td.n{white-space:nowrap}tr.totals td{font-weight:bold;background:#f4f4f4}"
                + "progress{width:8em;vertical-align:middle}code{font-size:.85em}th a{color:inherit}</style></head>"
                + "<body><h1>torrent-http-bridge</h1>");
        w.println("<p>Peers port <b>" + b.bridge.torrentPort() + "</b> &middot; peer id <code>" + b.bridge.peerIdHex()
                + "</code> &middot; DHT " + dht + (dhtId != null ? " (node id <code>" + dhtId + "</code>)" : "")
                + " &middot; origin <code>" + Json.html(String.valueOf(b.origin.get())) + "</code></p>");
        w.println("<p>Peers dropped (protocol abuse, floods, not reading) <b>" + b.bridge.peersDropped()
                + "</b> &middot; choked while the origin failed <b>" + b.bridge.peersChoked()
                + "</b> &middot; handshakes refused <b>" + b.bridge.handshakesRefused() + "</b></p>");
        w.println("<p>By reason: dropped " + countsHtml(b.bridge.peersDroppedByReason()) + " &middot; choked "
                + countsHtml(b.bridge.peersChokedByReason()) + " &middot; refused "
                + countsHtml(b.bridge.handshakesRefusedByReason()) + "</p>");
        AnnouncerStats a = b.bridge.announceStats();
        StringBuilder errors = new StringBuilder();
        a.lastErrorByHost().forEach((host, error) -> errors.append(errors.length() == 0 ? " &middot; last errors: " : "; ")
                .append("<code>").append(Json.html(host)).append("</code> ").append(Json.html(error)));
        w.println("<p>Announces: DHT <b>" + a.dhtOk() + "</b> ok, " + a.dhtFailed() + " failed &middot; trackers <b>"
                + a.trackerOk() + "</b> ok, " + a.trackerFailed() + " failed" + errors + "</p>");
        BridgeCounters c = b.bridge.counters();
        w.println(String.format(Locale.ROOT, "<p>Piece cache: memory <b>%s</b> of %s (%d spans pinned by requests being"
                        + " served) &middot; disk <b>%s</b> of %s &middot; origin requests in flight <b>%d</b></p>",
                Units.bytes(c.memoryBytes()), Units.bytes(c.memoryMaxBytes()), c.pinnedSpans(), Units.bytes(c.diskBytes()),
                Units.bytes(c.diskMaxBytes()), c.originInFlight()));
        String sortLink = byUploaded ? "<a href=\"?\" title=\"sort by file\">uploaded &#9660;</a>"
                : "<a href=\"?sort=uploaded\" title=\"sort by bytes uploaded\">uploaded</a>";
        w.println("<table><tr><th>" + (byUploaded ? "<a href=\"?\">file</a>" : "file &#9650;") + "</th><th>state</th><th class=\"n\">size</th>"
                + "<th class=\"n\">age</th><th>info hash</th><th class=\"n\">peers</th><th class=\"n\">tracker peers</th>"
                + "<th class=\"n uploaded\">" + sortLink + "</th><th class=\"n\">fetched from origin</th>"
                + "<th class=\"n\">origin &divide; uploaded</th><th class=\"n\">cache hits: memory / disk</th>"
                + "<th class=\"n\">verification failures: origin / disk</th><th class=\"n\">web seed requests</th><th>links</th></tr>");
        java.time.Instant now = java.time.Instant.now();
        long tSize = 0;
        long tPeers = 0;
        long tTracker = 0;
        long tUp = 0;
        long tOrigin = 0;
        long tFail = 0;
        long tDiskFail = 0;
        long tMem = 0;
        long tDisk = 0;
        long tWeb = 0;
        for (TorrentStatus s : all) {
            String st = Json.html(state(s));
            if (s.progress() != null) {
                st += String.format(Locale.ROOT, "<br><progress class=\"hashing\" max=\"100\" value=\"%.1f\"></progress> %.0f%% (%.0f MiB/s)",
                        s.progress().percent(), s.progress().percent(), s.progress().mibPerSecond());
            }
            w.print("<tr class=\"torrent\"><td>" + Json.html(s.path()) + "</td><td class=\"state\">" + st
                    + (s.reason() != null ? "<br><small>" + Json.html(s.reason()) + "</small>" : "") + "</td>");
            if (s.torrent() != null) {
                SeedStats x = s.handle().stats();
                long trackerPeers = b.tracker.peerCount(s.torrent().infoHash());
                long web = b.site.webseedRequests(s.path());
                tSize += s.torrent().length();
                tPeers += x.peers();
                tTracker += trackerPeers;
                tUp += x.uploaded();
                tOrigin += x.originBytes();
                tFail += x.verificationFailures();
                tDiskFail += x.diskFailures();
                tMem += x.cacheHits();
                tDisk += x.diskHits();
                tWeb += web;
                String base = Json.html(TorrentFilter.encodePath(request.getContextPath() + s.path()));
                w.print(num(Units.bytes(s.torrent().length()), s.torrent().length())
                        + "<td class=\"n age\" title=\"seeded since " + s.since() + "\">" + Units.age(java.time.Duration.between(s.since(), now)) + "</td>"
                        + "<td><code>" + s.torrent().infoHash().hex() + "</code></td>" + num(x.peers()) + num(trackerPeers)
                        + num(Units.bytes(x.uploaded()), x.uploaded()) + num(Units.bytes(x.originBytes()), x.originBytes())
                        + "<td class=\"n ratio\">" + ratioText(x.originBytes(), x.uploaded()) + "</td>"
                        + "<td class=\"n\">" + x.cacheHits() + " / " + x.diskHits() + "</td>"
                        + "<td class=\"n\">" + x.verificationFailures() + " / " + x.diskFailures() + "</td>" + num(web)
                        + "<td><a href=\"" + base + "?torrent\">torrent</a> <a href=\"" + Json.html(s.torrent().magnetLink()) + "\">magnet</a></td>");
            } else {
                w.print(s.progress() != null ? num(Units.bytes(s.progress().bytesTotal()), s.progress().bytesTotal()) : "<td></td>");
                w.print("<td></td><td></td><td></td><td></td><td></td><td></td><td></td><td></td><td></td><td></td><td></td>");
            }
            w.println("</tr>");
        }
        w.println("<tr class=\"totals\"><td>" + all.size() + " files</td><td></td>" + num(Units.bytes(tSize), tSize) + "<td></td><td></td>"
                + num(tPeers) + num(tTracker) + num(Units.bytes(tUp), tUp) + num(Units.bytes(tOrigin), tOrigin)
                + "<td class=\"n\">" + ratioText(tOrigin, tUp) + "</td><td class=\"n\">" + tMem + " / " + tDisk + "</td>"
                + "<td class=\"n\">" + tFail + " / " + tDiskFail + "</td>" + num(tWeb)
                + "<td></td></tr>");
        w.println("</table><p>Sizes in binary units (1 MiB = 1,048,576 bytes); exact numbers in <a href=\"?format=json\">JSON</a>.</p></body></html>");
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
