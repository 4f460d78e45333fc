package io.github.torrenthttpbridge.torrent;

import java.util.Locale;

/** Which BitTorrent metainfo a new torrent gets: BEP 3 (v1), BEP 52 (v2), or both in one {@code info} (hybrid). */
public enum TorrentVersion {
    /** SHA-1 pieces over the concatenated files (BEP 3), what every client reads. */
    V1,
    /** v1 and v2 in one {@code info}: BEP 47 pad files align every file to a piece, so both views share pieces. */
    HYBRID,
    /** Per-file SHA-256 merkle trees only (BEP 52); v1-only clients cannot read it. */
    V2;

    /** Parses {@code v1}, {@code hybrid} or {@code v2} (any case, surrounding blanks ignored). */
    public static TorrentVersion parse(String text) {
        if (text != null) {
            switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "v1":
                    return V1;
                case "hybrid":
                    return HYBRID;
                case "v2":
                    return V2;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("torrent version must be v1, hybrid or v2, got " + text);
    }

    /** Whether the torrent has SHA-1 {@code pieces}. */
    public boolean hasV1() {
        return this != V2;
    }

    /** Whether the torrent has a {@code file tree} with merkle roots. */
    public boolean hasV2() {
        return this != V1;
    }

    /** The lower-case name {@link #parse} accepts. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
