package io.github.torrenthttpbridge.torrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PieceSizeTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void smallFilesGetTheSmallestPiece() {
        assertEquals(16 * 1024, PieceSize.auto(1));
        assertEquals(16 * 1024, PieceSize.auto(10 * MIB));
    }

    @Test
    void aimsAtOneToTwoThousandPieces() {
        assertEquals(64 * 1024, PieceSize.auto(64 * MIB));
        assertEquals(256 * 1024, PieceSize.auto(256 * MIB));
        assertEquals(4 * MIB, PieceSize.auto(4096 * MIB));
        for (long len = 32 * MIB; len <= 16L * 1024 * MIB; len = len * 3 / 2) {
            int size = PieceSize.auto(len);
            long pieces = PieceSize.pieceCount(len, size);
            assertTrue(pieces >= 1000 && pieces <= 2000, len + " -> " + size + " gives " + pieces + " pieces");
            assertEquals(1, Integer.bitCount(size));
        }
    }

    @Test
    void hugeFilesStopAtSixteenMiB() {
        assertEquals(16 * MIB, PieceSize.auto(1L << 40));
    }

    @Test
    void validateNamesTheRule() {
        assertEquals(32768, PieceSize.validate(32768));
        var e = assertThrows(IllegalArgumentException.class, () -> PieceSize.validate(30000));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PieceSize.validate(8192));
        assertThrows(IllegalArgumentException.class, () -> PieceSize.validate(32 * MIB));
    }
}
