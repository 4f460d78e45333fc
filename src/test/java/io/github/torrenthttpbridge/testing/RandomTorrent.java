package io.github.torrenthttpbridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import io.github.torrenthttpbridge.torrent.ProgressListener;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/**
 * A file of seeded random bytes in a web root and its v1 torrent, written beside the root as {@code NAME.torrent}.
 *
 * @param file        the file, in {@code www}
 * @param torrentFile the {@code .torrent}, in {@code www}'s parent
 * @param torrent     its metadata
 */
public record RandomTorrent(Path file, Path torrentFile, TorrentMetadata torrent) {
    /** Writes {@code size} random bytes (from {@code seed}) to {@code www/name} and makes its torrent. */
    public static RandomTorrent make(Path www, String name, long size, long seed, TorrentCreator.Options options) throws IOException {
        Files.createDirectories(www);
        Path file = www.resolve(name);
        write(file, size, seed);
        TorrentMetadata t;
        try (InputStream in = Files.newInputStream(file)) {
            t = TorrentCreator.create(in, size, name, options, ProgressListener.NONE);
        }
        Path torrentFile = www.resolveSibling(name + ".torrent");
        Files.write(torrentFile, t.encoded());
        return new RandomTorrent(file, torrentFile, t);
    }

    /** {@code size} random bytes from {@code seed}, written in 1 MiB chunks. */
    public static void write(Path file, long size, long seed) throws IOException {
        Random rnd = new Random(seed);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                rnd.nextBytes(buf);
                out.write(buf, 0, (int) Math.min(left, buf.length));
            }
        }
    }
}
