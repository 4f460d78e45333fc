package io.github.torrenthttpbridge.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Random;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Throughput of our RC4 beside the JDK's ARCFOUR, and the cost of MSE's Diffie-Hellman; not a test (run through
 * {@code bench/rc4.sh}). Prints the best of several rounds for each, in MiB/s, over 16 KiB blocks (a BitTorrent
 * block), in place.
 */
public final class Rc4Bench {
    private Rc4Bench() {
    }

    interface Body {
        void run(int block) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int blockSize = 16384;
        int blocks = mib * 64;
        byte[] key = new byte[20];
        new Random(1).nextBytes(key);
        byte[] heap = new byte[blockSize];
        ByteBuffer heapBuf = ByteBuffer.wrap(heap);
        ByteBuffer direct = ByteBuffer.allocateDirect(blockSize);
        ByteBuffer directOut = ByteBuffer.allocateDirect(blockSize);

        Rc4 ours = new Rc4(key);
        Cipher jdk = Cipher.getInstance("ARCFOUR");
        jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ARCFOUR"));
        ByteStateRc4 byteState = new ByteStateRc4(key);

        ByteXorRc4 byteXor = new ByteXorRc4(key);
        String[] names = {"ours, byte[]", "ours, heap ByteBuffer", "ours, direct ByteBuffer",
            "JDK ARCFOUR, byte[] in place", "JDK ARCFOUR, direct ByteBuffer",
            "(experiment) byte[256] state, byte[]", "(experiment) byte-by-byte xor, byte[]"};
        Body[] bodies = {
            i -> ours.apply(heap, 0, blockSize),
            i -> ours.apply(heapBuf),
            i -> ours.apply(direct.clear()),
            i -> jdk.update(heap, 0, blockSize, heap, 0),
            i -> {
                direct.clear();
                directOut.clear();
                jdk.update(direct, directOut);
            },
            i -> byteState.apply(heap, 0, blockSize),
            i -> byteXor.apply(heap, 0, blockSize),
        };
        byte[] plain = new byte[100_003];
        new Random(2).nextBytes(plain);
        byte[] expected = plain.clone();
        new Rc4(key).apply(expected, 0, expected.length);
        byte[] got = plain.clone();
        ByteXorRc4 check = new ByteXorRc4(key);
        check.apply(got, 0, 13);
        check.apply(got, 13, got.length - 13);
        byte[] got2 = plain.clone();
        ByteStateRc4 check2 = new ByteStateRc4(key);
        check2.apply(got2, 0, got2.length);
        if (!java.util.Arrays.equals(expected, got) || !java.util.Arrays.equals(expected, got2)) {
            throw new AssertionError("an experimental variant computes a different stream");
        }
        // rounds interleave the contenders, so that load from elsewhere on the machine hits them alike
        // and count this thread's CPU time as well as wall time: on a shared machine the CPU figure is the steady one
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] best = new double[bodies.length];
        double[] bestCpu = new double[bodies.length];
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < bodies.length; c++) {
                long t0 = System.nanoTime();
                long c0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < blocks; i++) {
                    bodies[c].run(i);
                }
                long c1 = threads.getCurrentThreadCpuTime();
                best[c] = Math.max(best[c], mib / ((System.nanoTime() - t0) / 1e9));
                bestCpu[c] = Math.max(bestCpu[c], mib / ((c1 - c0) / 1e9));
            }
        }
        System.out.printf("RC4 over %d MiB in 16 KiB blocks, best of %d interleaved rounds, load average %s%n", mib,
                rounds, loadAverage());
        System.out.printf("  %-40s %10s %14s%n", "", "MiB/s wall", "MiB/CPU-second");
        for (int c = 0; c < bodies.length; c++) {
            System.out.printf("  %-40s %10.0f %14.0f%n", names[c], best[c], bestCpu[c]);
        }

        // Diffie-Hellman: one handshake = one key pair + one shared secret per side
        java.security.SecureRandom random = new java.security.SecureRandom();
        java.math.BigInteger x = MseCrypto.privateKey(random);
        byte[] peer = MseCrypto.publicKey(MseCrypto.privateKey(random));
        ArrayList<Object> sink = new ArrayList<>();
        for (int warm = 0; warm < 2; warm++) {
            int n = 500;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink.add(MseCrypto.publicKey(x));
                sink.add(MseCrypto.sharedSecret(peer, x));
            }
            long t1 = System.nanoTime();
            if (warm == 1) {
                System.out.printf("DH per handshake side (public key + shared secret): %.3f ms%n", (t1 - t0) / 1e6 / n);
            }
            sink.clear();
        }
    }

    static String loadAverage() {
        return String.format("%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
    }

    /** The same algorithm on a byte[256] state, to compare with the int[256] one Rc4 uses. */
    static final class ByteStateRc4 {
        private final byte[] s = new byte[256];
        private int i;
        private int j;

        ByteStateRc4(byte[] key) {
            for (int k = 0; k < 256; k++) {
                s[k] = (byte) k;
            }
            int jj = 0;
            for (int k = 0; k < 256; k++) {
                byte t = s[k];
                jj = (jj + (t & 0xff) + (key[k % key.length] & 0xff)) & 0xff;
                s[k] = s[jj];
                s[jj] = t;
            }
            apply(new byte[1024], 0, 1024);
        }

        void apply(byte[] b, int off, int len) {
            byte[] st = s;
            int ii = i;
            int jj = j;
            for (int k = off, end = off + len; k < end; k++) {
                ii = (ii + 1) & 0xff;
                byte si = st[ii];
                jj = (jj + si) & 0xff;
                byte sj = st[jj];
                st[ii] = sj;
                st[jj] = si;
                b[k] ^= st[(si + sj) & 0xff];
            }
            i = ii;
            j = jj;
        }
    }

    /** Rc4's loop before the 8-byte xor: one keystream byte, one xor. */
    static final class ByteXorRc4 {
        private final int[] s = new int[256];
        private int i;
        private int j;

        ByteXorRc4(byte[] key) {
            for (int k = 0; k < 256; k++) {
                s[k] = k;
            }
            int jj = 0;
            for (int k = 0; k < 256; k++) {
                int t = s[k];
                jj = (jj + t + key[k % key.length]) & 0xff;
                s[k] = s[jj];
                s[jj] = t;
            }
            byte[] skip = new byte[1024];
            apply(skip, 0, 1024);
        }

        void apply(byte[] b, int off, int len) {
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
}
