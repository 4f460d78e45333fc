package io.github.torrenthttpbridge.engine;

import java.nio.ByteBuffer;

/**
 * RC4 keystream for MSE: key schedule, first 1024 bytes discarded; one instance per direction. Not thread-safe.
 *
 * <p>Written out by hand because the JDK's {@code ARCFOUR} goes through {@code Cipher}'s buffering and per-call
 * checks; this is the textbook loop on an {@code int[256]} state, which the JIT keeps in registers and L1.
 * Direct buffers are processed through a small scratch array (bulk get, xor, bulk put), which is faster than
 * element-wise access to off-heap memory.
 */
final class Rc4 {
    /** Keystream bytes MSE discards after the key schedule. */
    static final int DISCARD = 1024;
    private static final int SCRATCH = 8192;

    private final int[] s = new int[256];
    private int i;
    private int j;
    private byte[] scratch;  // for direct buffers, allocated on first use

    /** A keystream for key (1..256 bytes; MSE uses 20-byte SHA-1 keys), with the first 1024 bytes discarded. */
    Rc4(byte[] key) {
        if (key == null || key.length == 0 || key.length > 256) {
            throw new IllegalArgumentException("RC4 key must have 1 to 256 bytes");
        }
        int[] st = s;
        for (int k = 0; k < 256; k++) {
            st[k] = k;
        }
        int jj = 0;
        for (int k = 0, n = key.length; k < 256; k++) {
            int t = st[k];
            jj = (jj + t + key[k % n]) & 0xff;
            st[k] = st[jj];
            st[jj] = t;
        }
        skip(DISCARD);
    }

    /** Advances the keystream by n bytes without using them. */
    void skip(int n) {
        int[] st = s;
        int ii = i;
        int jj = j;
        for (int k = 0; k < n; k++) {
            ii = (ii + 1) & 0xff;
            int si = st[ii];
            jj = (jj + si) & 0xff;
            st[ii] = st[jj];
            st[jj] = si;
        }
        i = ii;
        j = jj;
    }

    /** Encrypts/decrypts in place the bytes from position to limit; position is unchanged. Heap and direct buffers. */
    void apply(ByteBuffer buf) {
        int pos = buf.position();
        int len = buf.limit() - pos;
        if (len <= 0) {
            return;
        }
        if (buf.hasArray() && !buf.isReadOnly()) {
            apply(buf.array(), buf.arrayOffset() + pos, len);
            return;
        }
        if (buf.isReadOnly()) {
            throw new java.nio.ReadOnlyBufferException();
        }
        byte[] tmp = scratch;
        if (tmp == null) {
            tmp = scratch = new byte[SCRATCH];
        }
        for (int at = pos, end = pos + len; at < end; ) {
            int n = Math.min(tmp.length, end - at);
            buf.get(at, tmp, 0, n);
            apply(tmp, 0, n);
            buf.put(at, tmp, 0, n);
            at += n;
        }
    }

    /** Encrypts/decrypts b[off, off + len) in place. */
    void apply(byte[] b, int off, int len) {
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new IndexOutOfBoundsException("off " + off + ", len " + len + ", array " + b.length);
        }
        int[] st = s;
        int ii = i;
        int jj = j;
        for (int k = off, end = off + len; k < end; k++) {
            ii = (ii + 1) & 0xff;
            int si = st[ii];
            jj = (jj + si) & 0xff;
            int sj = st[jj];
            st[ii] = sj;
            st[jj] = si;
            b[k] ^= (byte) st[(si + sj) & 0xff];
        }
        i = ii;
        j = jj;
    }
}
