package io.github.torrenthttpbridge.engine;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** The arithmetic and message layout of MSE: its Diffie-Hellman group, key encoding, SHA-1 derivations and the
 *  messages each side sends. Stateless. */
final class MseCrypto {
    /** The MSE prime: 768 bits, generator 2. */
    static final BigInteger P = new BigInteger(
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
                    + "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
                    + "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
                    + "E485B576625E7EC6F44C42E9A63A36210000000000090563", 16);
    static final BigInteger G = BigInteger.TWO;
    /** Ya, Yb and S travel (and are hashed) as 96-byte big-endian numbers. */
    static final int KEY_BYTES = 96;
    /** Private key size the spec recommends (at least 128 bits). */
    static final int PRIVATE_KEY_BITS = 160;

    /** Most padding bytes a side may send (PadA, PadB, PadC, PadD). */
    static final int MAX_PAD = 512;
    private static final int VC = 8;

    private static final BigInteger P_MINUS_1 = P.subtract(BigInteger.ONE);

    private MseCrypto() {
    }

    /** A random private key of 160 bits (never zero). */
    static BigInteger privateKey(SecureRandom random) {
        BigInteger x;
        do {
            x = new BigInteger(PRIVATE_KEY_BITS, random);
        } while (x.signum() == 0);
        return x;
    }

    /** G^x mod P, as 96 bytes big-endian. */
    static byte[] publicKey(BigInteger privateKey) {
        return encode(G.modPow(privateKey, P));
    }

    /** S = Y^x mod P as 96 bytes; rejects a peer key outside 2..P-2 (which would make S predictable). */
    static byte[] sharedSecret(byte[] peerPublicKey, BigInteger privateKey) throws MseException {
        BigInteger y = new BigInteger(1, peerPublicKey);
        if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(P_MINUS_1) >= 0) {
            throw new MseException("peer's Diffie-Hellman key is out of range");
        }
        return encode(y.modPow(privateKey, P));
    }

    /** n (0 <= n < P) as exactly 96 bytes big-endian, zero-padded on the left. */
    static byte[] encode(BigInteger n) {
        byte[] raw = n.toByteArray();  // may carry a sign byte, or be shorter than 96
        byte[] out = new byte[KEY_BYTES];
        int len = Math.min(raw.length, KEY_BYTES);
        System.arraycopy(raw, raw.length - len, out, KEY_BYTES - len, len);
        return out;
    }

    /** SHA-1 of the ASCII label followed by the given parts. */
    static byte[] hash(String label, byte[]... parts) {
        MessageDigest sha1 = sha1();
        sha1.update(label.getBytes(StandardCharsets.US_ASCII));
        for (byte[] p : parts) {
            sha1.update(p);
        }
        return sha1.digest();
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int k = 0; k < a.length; k++) {
            out[k] = (byte) (a[k] ^ b[k]);
        }
        return out;
    }

    /** Steps 1 and 2: a public key and 0..512 random bytes. */
    static ByteBuffer keyAndPad(byte[] publicKey, SecureRandom random) {
        byte[] pad = new byte[random.nextInt(MAX_PAD + 1)];
        random.nextBytes(pad);
        return ByteBuffer.allocate(publicKey.length + pad.length).put(publicKey).put(pad).flip();
    }

    /** Step 3: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S), then with encryptor (keyA, fresh):
     *  VC, crypto_provide, len(PadC), PadC (0..512 zero bytes), len(IA), IA. */
    static ByteBuffer step3(byte[] secret, byte[] infoHash, int cryptoProvide, byte[] ia, Rc4 encryptor,
                            SecureRandom random) {
        int padC = random.nextInt(MAX_PAD + 1);
        ByteBuffer b = ByteBuffer.allocate(20 + 20 + VC + 4 + 2 + padC + 2 + ia.length);
        b.put(hash("req1", secret));
        b.put(xor(hash("req2", infoHash), hash("req3", secret)));
        int encrypted = b.position();
        b.put(new byte[VC]).putInt(cryptoProvide).putShort((short) padC).put(new byte[padC]);
        b.putShort((short) ia.length).put(ia);
        encryptor.apply(b.array(), encrypted, b.position() - encrypted);
        return b.flip();
    }

    /** Step 4, with encryptor (keyB, fresh): VC, crypto_select, len(PadD), PadD (0..512 zero bytes). */
    static ByteBuffer step4(int cryptoSelect, Rc4 encryptor, SecureRandom random) {
        int padD = random.nextInt(MAX_PAD + 1);
        ByteBuffer b = ByteBuffer.allocate(VC + 4 + 2 + padD);
        b.put(new byte[VC]).putInt(cryptoSelect).putShort((short) padD);
        encryptor.apply(b.array(), 0, b.capacity());
        return b.position(0);
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }
}
