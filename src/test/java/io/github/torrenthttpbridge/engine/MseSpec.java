package io.github.torrenthttpbridge.engine;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The MSE spec written out again for the tests, independently of the production classes: the JDK's BigInteger,
 * SHA-1 and ARCFOUR, whole messages at once. Used to script the other side of a handshake byte for byte.
 */
final class MseSpec {
    static final BigInteger P = new BigInteger("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
            + "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9"
            + "A63A36210000000000090563", 16);

    private MseSpec() {
    }

    /** A Diffie-Hellman party: private key x, public key Y (96 bytes). */
    static final class Party {
        final BigInteger x;
        final byte[] y;

        Party(Random r) {
            x = new BigInteger(160, r).setBit(159);
            y = bytes96(BigInteger.TWO.modPow(x, P));
        }

        byte[] secret(byte[] peerY) {
            return bytes96(new BigInteger(1, peerY).modPow(x, P));
        }
    }

    static byte[] bytes96(BigInteger n) {
        byte[] raw = n.toByteArray();
        byte[] out = new byte[96];
        int len = Math.min(raw.length, 96);
        System.arraycopy(raw, raw.length - len, out, 96 - len, len);
        return out;
    }

    static byte[] sha1(String label, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(label.getBytes(StandardCharsets.US_ASCII));
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    /** javax.crypto ARCFOUR keyed with HASH(label, S, SKEY), 1024 bytes discarded. */
    static Cipher rc4(String label, byte[] s, byte[] skey) {
        try {
            Cipher c = Cipher.getInstance("ARCFOUR");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sha1(label, s, skey), "ARCFOUR"));
            c.update(new byte[1024]);
            return c;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] drain(List<ByteBuffer> out) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (ByteBuffer buf : out) {
            byte[] a = new byte[buf.remaining()];
            buf.duplicate().get(a);
            b.writeBytes(a);
        }
        out.clear();
        return b.toByteArray();
    }

    /** A 68-byte BitTorrent handshake for infoHash. */
    static byte[] btHandshake(byte[] infoHash, Random r) {
        ByteBuffer b = ByteBuffer.allocate(68);
        b.put((byte) 19).put("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
        b.put(new byte[] {0, 0, 0, 0, 0, 0x10, 0, 0x05}).put(infoHash).put(random(r, 20));
        return b.array();
    }

    /** Some peer-wire messages: interested, a request, a have. */
    static byte[] someMessages(Random r) {
        ByteBuffer b = ByteBuffer.allocate(5 + 17 + 9 + 3);
        b.putInt(1).put((byte) 2);
        b.putInt(13).put((byte) 6).putInt(r.nextInt(100)).putInt(0).putInt(16384);
        b.putInt(5).put((byte) 4).putInt(7);
        b.put(random(r, 3));  // and the start of a message still in flight
        return b.array();
    }
}
