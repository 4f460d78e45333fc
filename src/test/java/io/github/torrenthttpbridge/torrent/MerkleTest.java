package io.github.torrenthttpbridge.torrent;

import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Merkle} against a naive tree built here from BEP 52's words. */
class MerkleTest {
    private static final int BLOCK = 16 * 1024;

    /** BEP 52 read literally: SHA-256 of each 16 KiB block, zero leaves up to a power of two, pairs hashed upwards. */
    private static byte[] naiveRoot(byte[] data, long minLeaves) throws Exception {
        List<byte[]> layer = new ArrayList<>();
        for (int off = 0; off < data.length; off += BLOCK) {
            layer.add(MessageDigest.getInstance("SHA-256").digest(
                    Arrays.copyOfRange(data, off, Math.min(data.length, off + BLOCK))));
        }
        long leaves = 1;
        while (leaves < Math.max(layer.size(), minLeaves)) {
            leaves *= 2;
        }
        while (layer.size() < leaves) {
            layer.add(new byte[32]);
        }
        while (layer.size() > 1) {
            List<byte[]> next = new ArrayList<>();
            for (int i = 0; i < layer.size(); i += 2) {
                MessageDigest d = MessageDigest.getInstance("SHA-256");
                d.update(layer.get(i));
                d.update(layer.get(i + 1));
                next.add(d.digest());
            }
            layer = next;
        }
        return layer.get(0);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aFileOfOneShortBlockHasTheBlocksHashAsRoot() throws Exception {
        byte[] data = random(100, 1);
        byte[] root = Merkle.root(Merkle.leafLayer(data, 0, data.length), 1, 0);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), root);
    }

    @Test
    void rootsOfDataMatchTheNaiveTree() throws Exception {
        for (int len : new int[] {1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK, 5 * BLOCK + 17, 8 * BLOCK, 9 * BLOCK}) {
            byte[] data = random(len, len);
            long leaves = Merkle.leafCount(Merkle.blocks(len));
            assertArrayEquals(naiveRoot(data, 1), Merkle.rootOfData(data, 0, len, leaves), "length " + len);
        }
    }

    @Test
    void aRootOverPieceSubtreesEqualsTheRootOverAllLeaves() throws Exception {
        int blocksPerPiece = 4;
        int piece = blocksPerPiece * BLOCK;
        for (int len : new int[] {piece + 1, 2 * piece, 3 * piece - 5, 5 * piece + BLOCK + 3}) {
            byte[] data = random(len, 7 + len);
            int pieces = (len + piece - 1) / piece;
            byte[] layer = new byte[pieces * 32];
            for (int p = 0; p < pieces; p++) {
                int off = p * piece;
                byte[] sub = Merkle.rootOfData(data, off, Math.min(piece, len - off), blocksPerPiece);
                System.arraycopy(sub, 0, layer, p * 32, 32);
            }
            byte[] viaLayer = Merkle.root(layer, Merkle.leafCount(pieces), Merkle.log2(blocksPerPiece));
            assertArrayEquals(naiveRoot(data, 1), viaLayer, "length " + len);
        }
    }

    @Test
    void padHashesAreTreesOfZeroLeaves() throws Exception {
        assertArrayEquals(new byte[32], Merkle.padHash(0));
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(new byte[64]), Merkle.padHash(1));
        assertArrayEquals(Merkle.padHash(3), Merkle.root(new byte[0], 4, 1));
    }

    @Test
    void leafCountsArePowersOfTwo() {
        assertEquals(1, Merkle.leafCount(0));
        assertEquals(1, Merkle.leafCount(1));
        assertEquals(2, Merkle.leafCount(2));
        assertEquals(4, Merkle.leafCount(3));
        assertEquals(1L << 40, Merkle.leafCount((1L << 39) + 1));
    }

    @Test
    void aLayerWiderThanItsTreeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Merkle.root(new byte[3 * 32], 2, 0));
        assertThrows(IllegalArgumentException.class, () -> Merkle.root(new byte[32], 3, 0));
    }
}
