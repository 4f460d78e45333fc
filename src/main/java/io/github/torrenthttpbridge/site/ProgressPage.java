package io.github.torrenthttpbridge.site;

import java.util.Locale;

import io.github.torrenthttpbridge.torrent.HashProgress;

/**
 * The page a browser gets from {@code F?magnet} while {@code F} is being hashed: the progress as a bar, and a
 * refresh every 2 s, which ends in the {@code 303} to the magnet URI once the torrent is ready.
 */
final class ProgressPage {
    private ProgressPage() {
    }

    static String html(String path, HashProgress p) {
        double percent = p == null ? 0 : p.percent();
        String name = path.substring(path.lastIndexOf('/') + 1);
        String done = p == null ? "" : " (" + Units.bytes(p.bytesDone()) + " of " + Units.bytes(p.bytesTotal()) + ")";
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\">"
                + "<title>Preparing " + Json.html(name) + "</title><style>body{font-family:sans-serif;margin:2em}"
                + "progress{width:20em;height:1.2em}</style></head><body><h1>Preparing the torrent of " + Json.html(name) + "</h1>"
                + "<p><progress class=\"hashing\" max=\"100\" value=\"" + String.format(Locale.ROOT, "%.1f", percent) + "\">"
                + String.format(Locale.ROOT, "%.0f%%", percent) + "</progress> " + String.format(Locale.ROOT, "%.0f%%", percent)
                + Json.html(done) + "</p><p>This page reloads itself and opens the magnet link in your BitTorrent client"
                + " as soon as the file is hashed.</p></body></html>";
    }
}
