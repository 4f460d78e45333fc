package io.github.torrenthttpbridge.torrent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The torrents libtorrent made in src/test/resources/torrents and the bytes they describe. */
public final class Fixtures {
    private Fixtures() {
    }

    public static byte[] resource(String name) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/torrents/" + name)) {
            return in.readAllBytes();
        }
    }

    public static String[] hashes(String name) throws IOException {
        return new String(resource(name + ".hashes"), StandardCharsets.US_ASCII).split("\n", -1);
    }

    /** The fixture's bytes of a file (its path inside the torrent). */
    public static byte[] content(String relative, int length) {
        byte[] b = new byte[length];
        for (int k = 0; k < length; k++) {
            b[k] = (byte) ((k * 7 + relative.length()) & 0xff);
        }
        return b;
    }

    /** The piece space: every non-pad file at its offset, zeros elsewhere. */
    public static byte[] pieceSpace(TorrentMetadata t, String prefix) {
        byte[] space = new byte[(int) t.length()];
        for (TorrentFile f : t.files()) {
            if (!f.pad()) {
                byte[] c = content(prefix + String.join("/", f.path()), (int) f.length());
                System.arraycopy(c, 0, space, (int) f.offset(), c.length);
            }
        }
        return space;
    }

}
