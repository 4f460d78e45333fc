package io.github.torrenthttpbridge.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import io.github.torrenthttpbridge.torrent.Bencode;
import io.github.torrenthttpbridge.torrent.TorrentFile;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;

/**
 * BEP 52 hash answers checked against trees built here independently (plain SHA-256 over full, explicitly padded
 * layers), and the way a client checks them: the requested hashes and their uncles must hash up to the file's
 * pieces root. Trees from libtorrent's fixtures (their real file bytes) and from a synthetic torrent of 1,281 pieces
 * (the shape libtorrent asks about in three requests of 512).
 */
class HashServerTest {
    static final int BLOCK = 16 * 1024;

    /** A v2 torrent of one file whose piece layer is {@code pieces} random hashes (a real-looking tree, no data). */
    static TorrentMetadata syntheticV2(int pieces, int pieceLength, long seed) {
        byte[] layer = new byte[pieces * 32];
        new Random(seed).nextBytes(layer);
        int height = Integer.numberOfTrailingZeros(pieceLength / BLOCK);
        byte[][] full = pad(layer, height);
        byte[] root = rootOf(full, height);
        long length = (long) pieces * pieceLength - 1000;
        Map<String, Object> file = Map.of("", Map.of("length", length, "pieces root", root));
        Map<String, Object> info = new TreeMap<>();
        info.put("file tree", Map.of("big.bin", file));
        info.put("meta version", 2);
        info.put("name", "big.bin");
        info.put("piece length", pieceLength);
        Map<String, Object> top = new TreeMap<>();
        top.put("info", info);
        top.put("piece layers", Map.of(new String(root, StandardCharsets.ISO_8859_1), layer));
        return TorrentMetadata.parse(Bencode.encode(top));
    }

    static byte[] sha256(byte[] a, byte[] b) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(a);
            d.update(b);
            return d.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The hash of an all-zero subtree {@code height} levels above the leaves. */
    static byte[] zeros(int height) {
        byte[] h = new byte[32];
        for (int i = 0; i < height; i++) {
            h = sha256(h, h);
        }
        return h;
    }

    /** {@code layer}'s hashes, padded with zero-subtree hashes to a power-of-two width. */
    static byte[][] pad(byte[] layer, int height) {
        int n = layer.length / 32;
        int width = Integer.highestOneBit(Math.max(1, n - 1)) << (n > 1 ? 1 : 0);
        byte[][] out = new byte[width][];
        for (int i = 0; i < width; i++) {
            out[i] = i < n ? Arrays.copyOfRange(layer, i * 32, i * 32 + 32) : zeros(height);
        }
        return out;
    }

    static byte[] rootOf(byte[][] level, int height) {
        byte[][] cur = level;
        while (cur.length > 1) {
            byte[][] up = new byte[cur.length / 2][];
            for (int i = 0; i < up.length; i++) {
                up[i] = sha256(cur[2 * i], cur[2 * i + 1]);
            }
            cur = up;
        }
        return cur[0];
    }

    /** Every layer of the tree above {@code base} (index 0 = base), built by plain pairwise hashing. */
    static byte[][][] layers(byte[][] base) {
        int n = Integer.numberOfTrailingZeros(base.length) + 1;
        byte[][][] out = new byte[n][][];
        out[0] = base;
        for (int k = 1; k < n; k++) {
            out[k] = new byte[out[k - 1].length / 2][];
            for (int i = 0; i < out[k].length; i++) {
                out[k][i] = sha256(out[k - 1][2 * i], out[k - 1][2 * i + 1]);
            }
        }
        return out;
    }

    /**
     * Checks one answer the way a client does: the requested hashes equal the tree's, and with the uncles they hash
     * up to the node at height {@code proof + 1} above the base (the root when the proof reaches it).
     */
    static void check(byte[] answer, byte[][][] tree, int baseOffset, int base, int index, int length, int proof) {
        int c = Integer.numberOfTrailingZeros(length);
        int uncles = Math.max(0, proof - c + 1);
        assertEquals((length + uncles) * 32, answer.length, "hashes for base " + base + " index " + index + " length "
                + length + " proof " + proof);
        byte[][][] layers = layers(slice(tree[base - baseOffset], index, length));
        for (int i = 0; i < length; i++) {
            assertArrayEquals(tree[base - baseOffset][index + i], Arrays.copyOfRange(answer, i * 32, i * 32 + 32));
        }
        byte[] node = layers[c][0];
        int at = index >>> c;
        for (int u = 0; u < uncles; u++) {
            byte[] uncle = Arrays.copyOfRange(answer, (length + u) * 32, (length + u + 1) * 32);
            node = (at & 1) == 0 ? sha256(node, uncle) : sha256(uncle, node);
            at >>>= 1;
        }
        int height = Math.max(c, proof + 1);
        assertArrayEquals(tree[base - baseOffset + height][index >>> height], node, "proof up to height " + height);
    }

    static byte[][] slice(byte[][] layer, int from, int n) {
        return Arrays.copyOfRange(layer, from, from + n);
    }

    @Test
    void everyValidRequestOnA1281PieceFileProvesToTheRoot() {
        TorrentMetadata t = syntheticV2(1281, 32 * 1024, 1);
        HashServer server = new HashServer(t);
        TorrentFile f = t.files().get(0);
        byte[][][] tree = layers(pad(t.pieceLayer(0).orElseThrow(), 1));   // from the piece layer (height 1) up
        assertArrayEquals(f.piecesRoot(), tree[tree.length - 1][0], "the independent tree has the torrent's root");
        int layersAboveLeaves = 1 + tree.length - 1;   // 12: 4,096 leaves
        int checked = 0;
        for (int base = 1; base < layersAboveLeaves; base++) {
            int width = tree[base - 1].length;
            for (int length = 2; length <= Math.min(width, 512); length *= 2) {
                for (int index = 0; index + length <= width; index += Math.max(length, width / 8)) {
                    for (int proof = 0; proof < layersAboveLeaves - base; proof++) {
                        byte[] answer = server.answer(f.piecesRoot(), 0, base, index, length, proof);
                        assertNotNull(answer, base + "/" + index + "/" + length + "/" + proof);
                        check(answer, tree, 1, base, index, length, proof);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 300, "requests checked: " + checked);
        // exactly what libtorrent 2.0.8 asked for this file (measured in V2InteropIT): 514, 513, 513 hashes
        assertEquals(514 * 32, server.answer(f.piecesRoot(), 0, 1, 0, 512, 10).length);
        assertEquals(513 * 32, server.answer(f.piecesRoot(), 0, 1, 512, 512, 9).length);
        assertEquals(513 * 32, server.answer(f.piecesRoot(), 0, 1, 1024, 512, 9).length);
    }

    @Test
    void libtorrentFixturesFromTheirFileBytes() throws IOException {
        for (String name : new String[] {"single-v2", "single-hybrid", "set-v2", "set-hybrid"}) {
            TorrentMetadata t = fixture(name);
            HashServer server = new HashServer(t);
            int served = 0;
            for (TorrentFile f : t.files()) {
                if (f.pad() || f.length() <= t.pieceLength()) {
                    continue;
                }
                byte[] data = fileBytes(f);
                byte[][][] tree = layers(leaves(data));   // from the 16 KiB leaves up, padded with zero leaves
                assertArrayEquals(f.piecesRoot(), tree[tree.length - 1][0], name + " " + f);
                int root = tree.length - 1;
                for (int base = 1; base < root; base++) {   // 32 KiB pieces: the piece layer is at height 1
                    for (int length = 2; length <= tree[base].length; length *= 2) {
                        for (int proof = 0; proof < root - base; proof++) {
                            check(server.answer(f.piecesRoot(), 0, base, 0, length, proof), tree, 0, base, 0, length, proof);
                            served++;
                        }
                    }
                }
                assertNull(server.answer(f.piecesRoot(), 0, 0, 0, 2, 0), "leaf hashes are not held: " + f);
            }
            assertTrue(served > 0, name);
        }
    }

    @Test
    void badRequestsAreRejectedNeverThrown() {
        TorrentMetadata t = syntheticV2(1281, 32 * 1024, 2);
        HashServer s = new HashServer(t);
        byte[] root = t.files().get(0).piecesRoot();
        assertNotNull(s.answer(root, 0, 1, 0, 512, 10));
        byte[] other = root.clone();
        other[5] ^= 1;
        assertNull(s.answer(other, 0, 1, 0, 512, 10), "unknown root");
        assertNull(s.answer(root, 0, 0, 0, 2, 0), "below the piece layer");
        assertNull(s.answer(root, 0, 12, 0, 1, 0), "the root layer");
        assertNull(s.answer(root, 0, -1, 0, 2, 0), "negative base (u32 over 2^31)");
        assertNull(s.answer(root, 0, 1, 0, 1, 0), "length 1");
        assertNull(s.answer(root, 0, 1, 0, 3, 0), "length not a power of two");
        assertNull(s.answer(root, 0, 1, 0, 0, 0), "length 0");
        assertNull(s.answer(root, 0, 1, 0, Integer.MIN_VALUE, 0), "negative length");
        assertNull(s.answer(root, 0, 1, 0, 16384, 0), "more than 8192 hashes");
        assertNull(s.answer(root, 0, 1, 256, 512, 9), "index not a multiple of the length");
        assertNull(s.answer(root, 0, 1, 2048, 2, 0), "past the layer");
        assertNull(s.answer(root, 0, 1, Integer.MAX_VALUE, 2, 0), "index near 2^31");
        assertNull(s.answer(root, 0, 1, -2, 2, 0), "negative index");
        assertNull(s.answer(root, 0, 1, 0, 512, 11), "proof layers reaching the root");
        assertNull(s.answer(root, 0, 1, 0, 512, -1), "negative proof layers");
    }

    @Test
    void smallFilesAndV1TorrentsHaveNothingToServe() throws IOException {
        TorrentMetadata set = fixture("set-v2");
        HashServer s = new HashServer(set);
        for (TorrentFile f : set.files()) {
            if (f.piecesRoot() != null && f.length() <= set.pieceLength()) {
                assertNull(s.answer(f.piecesRoot(), 0, 1, 0, 2, 0), "a file of one piece has no piece layer: " + f);
            }
        }
        TorrentMetadata v1 = fixture("set-v1");
        TorrentMetadata v2 = fixture("set-v2");
        assertNull(new HashServer(v1).answer(v2.files().get(0).piecesRoot(), 0, 1, 0, 2, 0));
    }

    static TorrentMetadata fixture(String name) throws IOException {
        try (InputStream in = HashServerTest.class.getResourceAsStream("/torrents/" + name + ".torrent")) {
            return TorrentMetadata.parse(in.readAllBytes());
        }
    }

    /** The fixture file's bytes: byte k is (k * 7 + length of its path below the torrent's folder) & 0xff. */
    static byte[] fileBytes(TorrentFile f) {
        int pathLength = String.join("/", f.path()).length();
        byte[] b = new byte[(int) f.length()];
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) ((k * 7 + pathLength) & 0xff);
        }
        return b;
    }

    /** SHA-256 of each 16 KiB block, zero hashes up to a power of two. */
    static byte[][] leaves(byte[] data) throws IOException {
        int n = (data.length + BLOCK - 1) / BLOCK;
        int width = Integer.highestOneBit(Math.max(1, n - 1)) << (n > 1 ? 1 : 0);
        byte[][] out = new byte[width][];
        for (int i = 0; i < width; i++) {
            if (i < n) {
                try {
                    MessageDigest d = MessageDigest.getInstance("SHA-256");
                    d.update(data, i * BLOCK, Math.min(BLOCK, data.length - i * BLOCK));
                    out[i] = d.digest();
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IOException(e);
                }
            } else {
                out[i] = new byte[32];
            }
        }
        return out;
    }
}
