package io.github.torrenthttpbridge.site;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import io.github.torrenthttpbridge.torrent.HashProgress;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/**
 * The answer to {@code F?torrent} and {@code F?magnet} (and {@code D/?torrent}, {@code D/?magnet} for a directory):
 * the {@code .torrent}, the magnet text, a {@code 303} to the magnet URI for a browser; {@code 202} +
 * {@code Retry-After: 2} + progress (JSON, or a page for a browser) while hashing; {@code 503} +
 * {@code Retry-After: 30} when queued out or failed; {@code 404} when not bridged. Never cached.
 */
final class TorrentEndpoint {
    static final String HTML = "text/html;charset=UTF-8";

    private final SiteRules site;
    private final Duration maxWait;

    TorrentEndpoint(SiteRules site, Duration maxWait) {
        this.site = site;
        this.maxWait = maxWait;
    }

    void answer(String path, boolean magnet, SiteRequest request, SiteResponse response) throws IOException {
        response.header("Cache-Control", "no-cache");
        boolean directory = path.endsWith("/");
        if (directory ? !site.policy().allowsDirectory(path) || !site.isDirectory(path) : !site.policy().allows(path)) {
            response.error(404, "not bridged");
            return;
        }
        TorrentStatus s = site.torrents().await(path, maxWait);
        boolean browser = magnet && wantsHtml(request);
        if (directory && s.reason() != null && (s.state() == TorrentStatus.State.READY || s.state() == TorrentStatus.State.HASHING)) {
            response.header("X-Torrent-Bridge-Left-Out", ascii(s.reason()));  // files of D the rules left out
        }
        switch (s.state()) {
            case READY -> ready(s.torrent(), magnet, browser, response);
            case HASHING -> {
                response.status(202);
                response.header("Retry-After", "2");
                if (browser) {
                    response.send(HTML, utf8(ProgressPage.html(path, s.progress())));
                } else {
                    response.send("application/json;charset=UTF-8", utf8(progressJson(path, s.progress())));
                }
            }
            case BUSY, FAILED -> {
                response.header("Retry-After", "30");
                response.error(503, s.reason());
            }
            default -> response.error(404, directory ? "not bridged: " + s.reason() : "not bridged");
        }
    }

    private static void ready(TorrentMetadata t, boolean magnet, boolean browser, SiteResponse response) throws IOException {
        if (browser) {
            // a person clicked F?magnet: send the browser on to the magnet URI, which opens their client
            response.status(303);
            response.header("Location", t.magnetLink());
            response.send(HTML, utf8("<!DOCTYPE html><title>magnet link</title><p><a href=\"" + Json.html(t.magnetLink())
                    + "\">Open " + Json.html(t.name()) + " in your BitTorrent client</a></p>"));
        } else if (magnet) {
            response.send("text/plain;charset=UTF-8", utf8(t.magnetLink()));
        } else {
            response.header("Content-Disposition", SiteLinks.disposition(t.name() + ".torrent"));
            response.send(SiteLinks.TORRENT_TYPE, t.encoded());
        }
    }

    /** {@code {"state":"hashing","path":…,"percent":12.5,"bytesDone":…,"bytesTotal":…}}. */
    static String progressJson(String path, HashProgress p) {
        double percent = p == null ? 0 : p.percent();
        return "{\"state\":\"hashing\",\"path\":" + Json.str(path)
                + ",\"percent\":" + String.format(Locale.ROOT, "%.1f", percent)
                + ",\"bytesDone\":" + (p == null ? 0 : p.bytesDone())
                + ",\"bytesTotal\":" + (p == null ? 0 : p.bytesTotal()) + "}";
    }

    /** Whether the client is a browser following a link (its Accept names text/html), not a script. */
    static boolean wantsHtml(SiteRequest request) {
        String accept = request.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    }

    /** {@code s} with every character outside printable ASCII replaced, for a header value; at most 1,000 of them. */
    static String ascii(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.length() > 1000 ? sb.substring(0, 1000) + "..." : sb.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
