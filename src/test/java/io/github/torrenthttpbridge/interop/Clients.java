package io.github.torrenthttpbridge.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines of the interop clients other than libtorrent (which runs {@code leech.py}), each downloading one
 * .torrent into {@code dir}, told of peers only by the torrent's tracker (DHT, LSD and peer exchange off unless the
 * caller adds them). Clients that keep seeding after they complete are stopped by the caller.
 */
final class Clients {
    static final Path WEBTORRENT = Path.of("target", "webtorrent-cli", "node_modules", ".bin", "webtorrent").toAbsolutePath();

    private Clients() {
    }

    /** aria2c: exits once complete ({@code --seed-time=0}). */
    static List<String> aria2(Path dir, Path torrent, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("aria2c", "--dir=" + dir, "--seed-time=0", "--bt-enable-lpd=false",
                "--enable-peer-exchange=false", "--listen-port=6891-6899", "--dht-listen-port=6900-6910", "--console-log-level=warn",
                "--summary-interval=0", "--bt-stop-timeout=90", "--check-certificate=false"));
        cmd.addAll(List.of(extra));
        cmd.add(torrent.toString());
        return cmd;
    }

    /** transmission-cli with its own configuration directory; keeps running. */
    static List<String> transmission(Path dir, Path config, Path torrent) {
        return List.of("transmission-cli", "-w", dir.toString(), "-g", config.toString(), "-p", "51413", "-M", torrent.toString());
    }

    /** webtorrent-cli (installed by .ci/run); keeps running. */
    static List<String> webtorrent(Path dir, Path torrent) {
        if (!Files.isExecutable(WEBTORRENT)) {
            throw new AssertionError("webtorrent-cli is not installed at " + WEBTORRENT + " (.ci/run installs it)");
        }
        return List.of(WEBTORRENT.toString(), "download", torrent.toString(), "-o", dir.toString(), "-q");
    }

    /**
     * qBittorrent with a private profile beside {@code dir}: legal notice accepted, DHT/LSD/PeX off (the tracker is the
     * only way to peers), several connections per IP allowed (everything here shares one address); keeps running.
     */
    static List<String> qbittorrent(Path dir, Path torrent) throws IOException {
        Path profile = dir.resolveSibling(dir.getFileName() + "-profile");
        Path config = Files.createDirectories(profile.resolve("qBittorrent").resolve("config"));
        Files.writeString(config.resolve("qBittorrent.conf"), String.join("\n",
                "[LegalNotice]", "Accepted=true", "",
                "[BitTorrent]", "Session\\DHTEnabled=false", "Session\\LSDEnabled=false", "Session\\PeXEnabled=false",
                "Session\\MultiConnectionsPerIp=true", "",
                "[Preferences]", "WebUI\\Address=127.0.0.1", "WebUI\\LocalHostAuth=true", ""));
        return List.of("qbittorrent-nox", "--profile=" + profile, "--webui-port=6921", "--torrenting-port=6920",
                "--save-path=" + dir, "--skip-dialog=true", torrent.toString());
    }

    /** rtorrent as a daemon ({@code system.daemon.set}, no terminal) with DHT, PEX and UDP trackers off; keeps running. */
    static List<String> rtorrent(Path dir, Path torrent) throws IOException {
        Path session = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-session"));
        Path rc = session.resolveSibling(dir.getFileName() + ".rc");
        Files.writeString(rc, String.join("\n", "system.daemon.set = true", "directory.default.set = " + dir,
                "session.path.set = " + session, "network.port_range.set = 6930-6939", "network.port_random.set = no",
                "dht.mode.set = disable", "protocol.pex.set = no", "trackers.use_udp.set = no", ""));
        return List.of("rtorrent", "-n", "-o", "import=" + rc, torrent.toString());
    }
}
