package io.github.torrenthttpbridge.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

class Rc4Test {
    /** The JDK's RC4 with MSE's 1024-byte discard, as the reference. */
    static Cipher jdkRc4(byte[] key) throws Exception {
        Cipher c = Cipher.getInstance("ARCFOUR");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ARCFOUR"));
        c.update(new byte[Rc4.DISCARD]);
        return c;
    }

    @Test
    void sameStreamAsTheJdkAfterDiscarding1024Bytes() throws Exception {
        Random r = new Random(1);
        for (int keyLen : new int[] {5, 16, 20, 32}) {
            byte[] key = new byte[keyLen];
            r.nextBytes(key);
            byte[] data = new byte[100_000];
            r.nextBytes(data);
            byte[] expected = jdkRc4(key).update(data);

            byte[] mine = data.clone();
            new Rc4(key).apply(mine, 0, mine.length);
            assertArrayEquals(expected, mine, "key length " + keyLen);
            assertFalse(Arrays.equals(data, mine));
        }
    }

    @Test
    void splitCallsContinueTheStreamOverHeapDirectAndOffsetBuffers() throws Exception {
        Random r = new Random(2);
        byte[] key = new byte[20];
        r.nextBytes(key);
        byte[] data = new byte[70_000];  // longer than the scratch array used for direct buffers
        r.nextBytes(data);
        byte[] expected = jdkRc4(key).update(data);

        Rc4 rc4 = new Rc4(key);
        byte[] got = new byte[data.length];
        int at = 0;
        int call = 0;
        while (at < data.length) {
            int n = Math.min(data.length - at, call % 5 == 0 ? 1 : r.nextInt(20_000));
            switch (call++ % 3) {
                case 0: {  // heap buffer, slice of a larger array, position inside it
                    byte[] big = new byte[n + 10];
                    System.arraycopy(data, at, big, 7, n);
                    ByteBuffer b = ByteBuffer.wrap(big, 3, n + 6).slice();  // arrayOffset 3
                    b.position(4).limit(4 + n);
                    rc4.apply(b);
                    assertEquals(4, b.position(), "position unchanged");
                    System.arraycopy(big, 7, got, at, n);
                    break;
                }
                case 1: {  // direct buffer
                    ByteBuffer b = ByteBuffer.allocateDirect(n + 2);
                    b.position(2);
                    b.put(data, at, n);
                    b.position(2);
                    rc4.apply(b);
                    assertEquals(2, b.position());
                    assertEquals(n + 2, b.limit());
                    b.get(got, at, n);
                    break;
                }
                default: {  // array
                    System.arraycopy(data, at, got, at, n);
                    rc4.apply(got, at, n);
                }
            }
            at += n;
        }
        assertArrayEquals(expected, got);
    }

    @Test
    void applyingTwiceWithTheSameKeyRestoresTheData() {
        byte[] key = "keyA-some-twenty-byt".getBytes();
        byte[] data = new byte[4096];
        new Random(3).nextBytes(data);
        byte[] b = data.clone();
        new Rc4(key).apply(b, 0, b.length);
        new Rc4(key).apply(b, 0, b.length);
        assertArrayEquals(data, b);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Rc4(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new Rc4(new byte[257]));
        Rc4 rc4 = new Rc4(new byte[] {1});
        assertThrows(IndexOutOfBoundsException.class, () -> rc4.apply(new byte[4], 2, 3));
        assertThrows(java.nio.ReadOnlyBufferException.class,
                () -> rc4.apply(ByteBuffer.allocate(4).asReadOnlyBuffer()));
    }
}
