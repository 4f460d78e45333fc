package io.github.torrenthttpbridge.torrent;

/** Piece-size rules: powers of two from 16 KiB to 16 MiB, chosen automatically for about 1,000-2,000 pieces. */
public final class PieceSize {
    public static final int MIN = 16 * 1024;
    public static final int MAX = 16 * 1024 * 1024;
    /** Largest piece length accepted when reading other people's torrents. */
    public static final int MAX_ACCEPTED = 128 * 1024 * 1024;
    /** Fewest pieces the automatic choice aims at. */
    public static final long TARGET_MIN_PIECES = 1000;

    private PieceSize() {
    }

    /**
     * The automatic piece size for a file: the largest power of two in [16 KiB, 16 MiB] that still gives
     * at least 1,000 pieces (so between 1,000 and 2,000 pieces whenever the bounds allow it).
     */
    public static int auto(long fileLength) {
        if (fileLength < 0) {
            throw new IllegalArgumentException("negative file length: " + fileLength);
        }
        int size = MIN;
        while (size < MAX && fileLength / (2L * size) >= TARGET_MIN_PIECES) {
            size *= 2;
        }
        return size;
    }

    /** Checks a requested piece size, naming the rule it breaks. */
    public static int validate(long size) {
        if (size < MIN || size > MAX || Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("piece size must be a power of two between 16 KiB (16384) and 16 MiB (16777216), got " + size);
        }
        return (int) size;
    }

    public static long pieceCount(long fileLength, long pieceLength) {
        return (fileLength + pieceLength - 1) / pieceLength;
    }
}
