package io.github.torrenthttpbridge.servlet;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

import io.github.torrenthttpbridge.bridge.BridgeCounters;
import io.github.torrenthttpbridge.bridge.SeedState;
import io.github.torrenthttpbridge.bridge.SeedStats;
import io.github.torrenthttpbridge.site.TorrentStatus;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The status page: every torrent with its state and figures, and the bridge's identity; HTML or JSON. */
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

    /** Origin bytes ÷ bytes uploaded, or null before any upload. */
    static String ratioJson(SeedStats s) {
        return s.uploaded() == 0 ? "null" : String.format(Locale.ROOT, "%.4f", s.originRatio());
    }

    static String ratioText(SeedStats s) {
        return s.uploaded() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", s.originRatio());
    }

    static String cacheJson(BridgeCounters c) {
        return "{\"memoryBytes\":" + c.memoryBytes() + ",\"memoryMaxBytes\":" + c.memoryMaxBytes()
                + ",\"pinnedSpans\":" + c.pinnedSpans() + ",\"diskBytes\":" + c.diskBytes()
                + ",\"diskMaxBytes\":" + c.diskMaxBytes() + ",\"originInFlight\":" + c.originInFlight()
                + ",\"readPermitsHeld\":" + c.readPermitsHeld() + ",\"pendingLoads\":" + c.pendingLoads()
                + ",\"pieceClaims\":" + c.engineClaims() + "}";
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
                    + ",\"hashJobsStarted\":" + b.site.hashJobsStarted() + ",\"peersDropped\":" + b.bridge.peersDropped()
                    + ",\"peersChoked\":" + b.bridge.peersChoked() + ",\"handshakesRefused\":" + b.bridge.handshakesRefused()
                    + ",\"cache\":" + cacheJson(b.bridge.counters())
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
                            + ",\"staleReason\":" + Json.str(s.handle().staleReason().orElse(null)));
                }
                w.print("}");
            }
            w.print("]}");
            return;
        }
        response.setContentType("text/html;charset=UTF-8");
        PrintWriter w = response.getWriter();
        w.println("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">"
                + "<title>torrent-http-bridge status</title><style>body{font-family:sans-serif;margin:2em}"
                + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
                + "code{font-size:.85em}</style></head><body><h1>torrent-http-bridge</h1>");
        w.println("<p>Peers port <b>" + b.bridge.torrentPort() + "</b> &middot; peer id <code>" + b.bridge.peerIdHex()
                + "</code> &middot; DHT " + dht + (dhtId != null ? " (node id <code>" + dhtId + "</code>)" : "")
                + " &middot; origin <code>" + Json.html(String.valueOf(b.origin.get())) + "</code></p>");
        w.println("<p>Peers dropped (protocol abuse, floods, not reading) <b>" + b.bridge.peersDropped()
                + "</b> &middot; choked while the origin failed <b>" + b.bridge.peersChoked()
                + "</b> &middot; handshakes refused <b>" + b.bridge.handshakesRefused() + "</b></p>");
        BridgeCounters c = b.bridge.counters();
        w.println(String.format(Locale.ROOT, "<p>Piece cache: memory <b>%.1f</b> of %d MiB (%d spans pinned by requests"
                        + " being served) &middot; disk <b>%.1f</b> of %d MiB &middot; origin requests in flight %d</p>",
                c.memoryBytes() / 1048576.0, c.memoryMaxBytes() >> 20, c.pinnedSpans(), c.diskBytes() / 1048576.0,
                c.diskMaxBytes() >> 20, c.originInFlight()));
        w.println("<table><tr><th>file</th><th>state</th><th>info hash</th><th>peers</th><th>tracker peers</th><th>uploaded</th>"
                + "<th>fetched from origin</th><th>origin ÷ uploaded</th><th>cache hits: memory / disk</th>"
                + "<th>verification failures (origin / disk)</th><th>web seed requests</th><th>links</th></tr>");
        for (TorrentStatus s : all) {
            String st = state(s);
            if (s.progress() != null) {
                st += String.format(Locale.ROOT, " %.1f%% (%.0f MiB/s)", s.progress().percent(), s.progress().mibPerSecond());
            }
            w.print("<tr class=\"torrent\"><td>" + Json.html(s.path()) + "</td><td class=\"state\">" + Json.html(st)
                    + (s.reason() != null ? "<br><small>" + Json.html(s.reason()) + "</small>" : "") + "</td>");
            if (s.torrent() != null) {
                SeedStats x = s.handle().stats();
                String base = Json.html(TorrentFilter.encodePath(request.getContextPath() + s.path()));
                w.print("<td><code>" + s.torrent().infoHash().hex() + "</code></td><td>" + x.peers() + "</td><td>" + b.tracker.peerCount(s.torrent().infoHash()) + "</td><td>" + x.uploaded()
                        + "</td><td>" + x.originBytes() + "</td><td class=\"ratio\">" + ratioText(x) + "</td><td>" + x.cacheHits()
                        + " / " + x.diskHits() + "</td><td>" + x.verificationFailures() + " / " + x.diskFailures()
                        + "</td><td>" + b.site.webseedRequests(s.path())
                        + "</td><td><a href=\"" + base
                        + "?torrent\">torrent</a> <a href=\"" + Json.html(s.torrent().magnetLink()) + "\">magnet</a></td>");
            } else {
                w.print("<td></td><td></td><td></td><td></td><td></td><td></td><td></td><td></td><td></td><td></td>");
            }
            w.println("</tr>");
        }
        w.println("</table><p><a href=\"?format=json\">JSON</a></p></body></html>");
    }
}
