package io.github.torrenthttpbridge.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/** Torrents made by libtorrent's own {@code create_torrent} (src/test/python/lt_create.py), and trees of files for them. */
public final class LibtorrentTorrents {
    private LibtorrentTorrents() {
    }

    /** What libtorrent made: the parsed torrent and the info hashes libtorrent itself reports (hex, "" if none). */
    public record Made(TorrentMetadata torrent, Path file, String v1, String v2) {
    }

    /** Makes a {@code version} ("v1", "hybrid", "v2") torrent of {@code path} (file or folder) into {@code out}. */
    public static Made make(Path path, int pieceSize, String version, Path out) throws IOException, InterruptedException {
        Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("lt_create.py"),
                "--path", path.toString(), "--piece", Integer.toString(pieceSize), "--version", version,
                "--out", out.toString()), Duration.ofSeconds(60));
        if (r.exitCode() != 0) {
            throw new AssertionError("lt_create.py failed: " + r.stderr());
        }
        return new Made(TorrentMetadata.parse(Files.readAllBytes(out)), out, r.json("v1"), r.json("v2"));
    }

    /** Writes each file (path relative to {@code root} → length) with random bytes from {@code seed}, in map order. */
    public static void writeTree(Path root, Map<String, Integer> files, long seed) throws IOException {
        Random r = new Random(seed);
        for (var e : files.entrySet()) {
            Path p = root.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            byte[] b = new byte[e.getValue()];
            r.nextBytes(b);
            Files.write(p, b);
        }
    }
}
