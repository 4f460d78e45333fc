package io.github.torrenthttpbridge.torrent;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * BitTorrent v2 (BEP 52) merkle trees: SHA-256 over 16 KiB blocks of one file, the leaf count rounded up to a power of
 * two with all-zero leaf hashes, each node the SHA-256 of its two children. Hashes are 32-byte arrays; a layer is
 * their concatenation.
 */
public final class Merkle {
    /** Bytes per leaf. */
    public static final int BLOCK = 16 * 1024;
    /** Bytes per hash. */
    public static final int HASH = 32;
    private static final byte[] ZERO = new byte[HASH];

    private Merkle() {
    }

    /** Number of 16 KiB blocks (leaves holding data) of a file of {@code length} bytes. */
    public static long blocks(long length) {
        return (length + BLOCK - 1) / BLOCK;
    }

    /** The smallest power of two ≥ {@code n} (1 for n ≤ 1). */
    public static long leafCount(long n) {
        return n <= 1 ? 1 : Long.highestOneBit(n - 1) << 1;
    }

    /** The hash of a subtree whose leaves are all zero, {@code height} levels above the leaves. */
    public static byte[] padHash(int height) {
        byte[] h = ZERO;
        MessageDigest d = Digests.sha256();
        for (int i = 0; i < height; i++) {
            d.update(h);
            d.update(h);
            h = d.digest();
        }
        return h;
    }

    /**
     * The root over {@code layer} (concatenated hashes of one level), padded with {@code padHash(height)} up to
     * {@code width} nodes, where {@code height} is the level of {@code layer} above the leaves.
     */
    public static byte[] root(byte[] layer, long width, int height) {
        if (layer.length % HASH != 0 || layer.length / HASH > width || Long.bitCount(width) != 1) {
            throw new IllegalArgumentException("a layer of " + layer.length + " bytes does not fit " + width + " nodes");
        }
        if (layer.length == 0) {
            return padHash(height + log2(width));
        }
        byte[] cur = layer;
        byte[] pad = padHash(height);
        MessageDigest d = Digests.sha256();
        for (long w = width; w > 1; w /= 2) {
            int n = cur.length / HASH;
            int m = (n + 1) / 2;
            byte[] next = new byte[m * HASH];
            for (int i = 0; i < m; i++) {
                d.update(cur, 2 * i * HASH, HASH);
                if (2 * i + 1 < n) {
                    d.update(cur, (2 * i + 1) * HASH, HASH);
                } else {
                    d.update(pad);
                }
                System.arraycopy(d.digest(), 0, next, i * HASH, HASH);
            }
            d.update(pad);
            d.update(pad);
            pad = d.digest();
            cur = next;
        }
        return Arrays.copyOf(cur, HASH);
    }

    /**
     * The root of the subtree over {@code data[off, off+len)} with {@code leaves} leaves (a power of two); blocks past
     * the data are zero leaves, the last block may be short (hashed as it is).
     */
    public static byte[] rootOfData(byte[] data, int off, int len, long leaves) {
        long n = blocks(len);
        if (n > leaves || Long.bitCount(leaves) != 1) {
            throw new IllegalArgumentException(len + " bytes do not fit " + leaves + " leaves");
        }
        return root(leafLayer(data, off, len), leaves, 0);
    }

    /** The SHA-256 of every 16 KiB block of {@code data[off, off+len)}, concatenated. */
    public static byte[] leafLayer(byte[] data, int off, int len) {
        int n = (int) blocks(len);
        byte[] out = new byte[n * HASH];
        MessageDigest d = Digests.sha256();
        for (int i = 0; i < n; i++) {
            int start = off + i * BLOCK;
            d.update(data, start, Math.min(BLOCK, off + len - start));
            System.arraycopy(d.digest(), 0, out, i * HASH, HASH);
        }
        return out;
    }

    /** log2 of a power of two. */
    public static int log2(long powerOfTwo) {
        return Long.numberOfTrailingZeros(powerOfTwo);
    }
}
