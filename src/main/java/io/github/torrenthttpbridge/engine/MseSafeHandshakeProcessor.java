package io.github.torrenthttpbridge.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

import bt.metainfo.TorrentId;
import bt.net.BigIntegers;
import bt.net.Peer;
import bt.net.PeerConnectionFactory;
import bt.net.buffer.DelegatingByteBufferView;
import bt.net.crypto.MSEHandshakeProcessor;
import bt.protocol.DecodingContext;
import bt.protocol.Handshake;
import bt.protocol.Message;
import bt.protocol.crypto.EncryptionPolicy;
import bt.protocol.crypto.MSECipher;
import bt.protocol.handler.MessageHandler;
import bt.runtime.Config;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bt 1.10's MSE handshake with its faults fixed: the receiving side is rewritten (see {@link #negotiateIncoming}),
 * and the initiating side is Bt's, repaired for peers that choose plaintext.
 *
 * <p>When Bt initiates MSE and the answering peer selects plaintext (crypto_select 0x01; Transmission does this when
 * set to prefer plaintext), the peer's BitTorrent handshake may follow its padding in the same packet. That
 * payload is plaintext on the wire, but Bt has already run it through the RC4 decryptor with the rest of what it
 * read, so the handshake arrives as garbage and the connection is dropped. Here the channel is recorded during the
 * MSE handshake, and in that case the bytes left in the buffer are put back as they came off the wire.
 * (The encrypted cases are handled in {@link MseSafePipelineFactory}.) The Diffie-Hellman group is repeated
 * here because Bt's {@code MSEKeyPairGenerator} is package-private.
 */
final class MseSafeHandshakeProcessor extends MSEHandshakeProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(MseSafeHandshakeProcessor.class);

    // the MSE Diffie-Hellman group (768-bit prime, generator 2), as in Bt's MSEKeyPairGenerator
    private static final BigInteger P = new BigInteger(
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
                    + "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
                    + "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
                    + "E485B576625E7EC6F44C42E9A63A36210000000000090563", 16);
    private static final BigInteger G = BigInteger.valueOf(2);
    private static final int KEY_BYTES = 96;
    private static final int MAX_PAD = 512;
    private static final long TIMEOUT_MILLIS = 10_000;

    private final TorrentRegistry torrentRegistry;
    private final MessageHandler<Message> protocol;
    private final EncryptionPolicy localPolicy;
    private final int privateKeySize;
    private final boolean mseDisabled;
    private final SecureRandom random = new SecureRandom();

    MseSafeHandshakeProcessor(TorrentRegistry torrentRegistry, MessageHandler<Message> protocol, Config config) {
        super(torrentRegistry, protocol, config);  // also validates the key size / policy combination, as in Bt
        this.torrentRegistry = torrentRegistry;
        this.protocol = protocol;
        this.localPolicy = config.getEncryptionPolicy();
        this.privateKeySize = config.getMsePrivateKeySize();
        this.mseDisabled = config.isMseDisabled() || !MSECipher.isKeySizeSupported(privateKeySize);
    }

    /** Puts this processor into a Bt 1.10 {@link PeerConnectionFactory} in place of the one it made itself. */
    static PeerConnectionFactory install(PeerConnectionFactory factory, MseSafeHandshakeProcessor processor) {
        try {
            Field f = PeerConnectionFactory.class.getDeclaredField("cryptoHandshakeProcessor");
            f.setAccessible(true);
            f.set(factory, processor);
            return factory;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Bt version is not the one torrent-http-bridge was written for (1.10): "
                    + "cannot install the MSE fix", e);
        }
    }

    @Override
    public Optional<MSECipher> negotiateOutgoing(Peer peer, ByteChannel channel, TorrentId torrentId, ByteBuffer in,
                                                 ByteBuffer out) throws IOException {
        RecordingChannel recorded = new RecordingChannel(channel);
        Optional<MSECipher> cipher = super.negotiateOutgoing(peer, recorded, torrentId, in, out);
        int leftover = in.position();  // Bt leaves the buffer in write mode, holding what came after the handshake
        if (cipher.isEmpty() && leftover > 0) {
            byte[] wire = recorded.last(leftover);
            if (wire != null) {
                in.put(0, wire);
            }
        }
        return cipher;
    }

    /**
     * The receiving side of MSE, rewritten. Bt 1.10's version stops reading as soon as it has seen the length of the
     * initiator's initial payload (IA), and leaves whatever part of the IA happened to arrive with it (decrypted) in
     * the buffer. When RC4 is selected that is harmless: the pipeline's decoder carries on with the rest. When
     * plaintext is selected, the part of the IA still in flight (libtorrent puts its 68-byte BitTorrent handshake
     * there, sometimes in a later TCP segment than the rest of its step-3 message) is then read as plaintext although
     * the spec has it RC4-encrypted: the handshake turns into garbage and the connection is lost. Here the whole IA
     * is read and decrypted before returning, and with plaintext selected nothing after the IA is decrypted. Also
     * fixed on the way: Bt's step-3 buffer limit counted bytes of step 1 that had already been discarded, and it
     * did not wait for the two IA-length bytes when PadC had arrived without them.
     */
    @Override
    public Optional<MSECipher> negotiateIncoming(Peer peer, ByteChannel channel, ByteBuffer in, ByteBuffer out)
            throws IOException {
        if (mseDisabled) {
            return super.negotiateIncoming(peer, channel, in, out);
        }
        long started = System.nanoTime();
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        // the buffer is in write mode throughout: bytes [0, position) have been read

        // plain BitTorrent handshake? (as in Bt: decode what the first read brought)
        fill(channel, in, 20, deadline);
        {
            ByteBuffer view = in.duplicate();
            view.flip();
            DecodingContext context = new DecodingContext(peer);
            int consumed = 0;
            try {
                consumed = protocol.decode(context, new DelegatingByteBufferView(view));
            } catch (Exception e) {
                // not a handshake
            }
            if (consumed > 0 && context.getMessage() instanceof Handshake) {
                if (!localPolicy.isCompatible(EncryptionPolicy.REQUIRE_PLAINTEXT)) {
                    throw new RuntimeException("Encryption policies are incompatible: peer's (REQUIRE_PLAINTEXT), local ("
                            + localPolicy.name() + ")");
                }
                return Optional.empty();  // the handshake stays in the buffer (write mode), for the pipeline
            }
        }

        // 1. A->B: Ya, PadA
        fill(channel, in, KEY_BYTES, deadline);
        ByteBuffer ya = in.duplicate();
        ya.flip();
        BigInteger peerPublicKey = BigIntegers.decodeUnsigned(ya, KEY_BYTES);
        if (peerPublicKey.compareTo(BigInteger.ONE) <= 0 || peerPublicKey.compareTo(P.subtract(BigInteger.ONE)) >= 0) {
            throw new IllegalStateException("Invalid MSE public key");
        }

        // 2. B->A: Yb, PadB
        byte[] privateBytes = new byte[privateKeySize];
        random.nextBytes(privateBytes);
        BigInteger privateKey = new BigInteger(1, privateBytes);
        out.clear();
        out.put(BigIntegers.encodeUnsigned(G.modPow(privateKey, P), KEY_BYTES));
        byte[] padB = new byte[random.nextInt(MAX_PAD + 1)];
        random.nextBytes(padB);
        out.put(padB);
        out.flip();
        writeFully(channel, out, deadline);
        out.clear();
        byte[] sBytes = BigIntegers.encodeUnsigned(peerPublicKey.modPow(privateKey, P), KEY_BYTES);

        // 3. A->B: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S), ENCRYPT(VC, crypto_provide, len(PadC),
        //    PadC, len(IA)), ENCRYPT(IA); HASH('req1', S) follows PadA, whose length we do not know
        byte[] req1 = sha1("req1".getBytes(StandardCharsets.US_ASCII), sBytes);
        int h = -1;
        while (h < 0) {
            h = indexOf(in, req1, KEY_BYTES);
            if (h < 0) {
                if (in.position() >= KEY_BYTES + MAX_PAD + req1.length) {
                    throw new IllegalStateException("MSE: HASH('req1', S) not found after " + in.position() + " bytes");
                }
                fill(channel, in, in.position() + 1, deadline);
            }
        }
        int skeyAt = h + 20;
        int enc = skeyAt + 20;  // first encrypted byte
        fill(channel, in, enc + 8 + 4 + 2, deadline);
        byte[] skeyHash = new byte[20];
        in.get(skeyAt, skeyHash);
        byte[] req3 = sha1("req3".getBytes(StandardCharsets.US_ASCII), sBytes);
        TorrentId requested = null;
        for (TorrentId id : torrentRegistry.getTorrentIds()) {
            if (Arrays.equals(xor(sha1("req2".getBytes(StandardCharsets.US_ASCII), id.getBytes()), req3), skeyHash)) {
                requested = id;
                break;
            }
        }
        if (requested == null) {
            throw new IllegalStateException("Unsupported torrent requested");
        }
        Optional<TorrentDescriptor> descriptor = torrentRegistry.getDescriptor(requested);
        if (descriptor.isPresent() && !descriptor.get().isActive()) {
            throw new IllegalStateException("Inactive torrent requested: " + requested);
        }
        MSECipher cipher = MSECipher.forReceiver(sBytes, requested);
        Decryptor dec = new Decryptor(cipher, in, enc);

        dec.decryptTo(enc + 14);
        for (int i = 0; i < 8; i++) {
            if (in.get(enc + i) != 0) {
                throw new IllegalStateException("Invalid VC");
            }
        }
        byte[] cryptoProvide = new byte[4];
        in.get(enc + 8, cryptoProvide);
        EncryptionPolicy negotiated = selectPolicy(cryptoProvide);
        int padC = in.getShort(enc + 12) & 0xFFFF;
        if (padC > MAX_PAD) {
            throw new IllegalStateException("Padding is too long: " + padC);
        }
        int iaLenAt = enc + 14 + padC;
        fill(channel, in, iaLenAt + 2, deadline);
        dec.decryptTo(iaLenAt + 2);
        int iaLength = in.getShort(iaLenAt) & 0xFFFF;
        int ia = iaLenAt + 2;
        int iaHeld = Math.max(0, Math.min(in.position(), ia + iaLength) - ia);
        // the whole IA: it is RC4-encrypted whatever gets selected
        fill(channel, in, ia + iaLength, deadline);
        dec.decryptTo(ia + iaLength);
        boolean encrypted = negotiated == EncryptionPolicy.REQUIRE_ENCRYPTED;
        if (encrypted) {
            // anything after the IA is RC4 too; MseSafePipelineFactory has the pipeline skip what is held here
            dec.decryptTo(in.position());
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("MSE from {}: {} selected; IA {} bytes, {} of them had arrived with len(IA), {} bytes after the IA; {} ms",
                    peer, encrypted ? "RC4" : "plaintext", iaLength, iaHeld, in.position() - ia - iaLength,
                    (System.nanoTime() - started) / 1_000_000);
        }
        // keep the IA and what followed it, at the start of the buffer
        in.flip();
        in.position(ia);
        in.compact();

        // 4. B->A: ENCRYPT(VC, crypto_select, len(padD), padD)
        out.put(new byte[8]);
        out.put(new byte[] {0, 0, 0, (byte) (encrypted ? 0x02 : 0x01)});
        byte[] padD = new byte[random.nextInt(MAX_PAD + 1)];
        out.putShort((short) padD.length);
        out.put(padD);
        out.flip();
        byte[] step4 = new byte[out.remaining()];
        out.get(step4);
        ByteBuffer encryptedOut = ByteBuffer.wrap(cipher.getEncryptionCipher().update(step4));
        writeFully(channel, encryptedOut, deadline);
        out.clear();
        return encrypted ? Optional.of(cipher) : Optional.empty();
    }

    /** Decrypts the buffer in place, from {@code start} on, exactly once per byte. */
    private static final class Decryptor {
        private final MSECipher cipher;
        private final ByteBuffer buf;
        private int done;

        Decryptor(MSECipher cipher, ByteBuffer buf, int start) {
            this.cipher = cipher;
            this.buf = buf;
            this.done = start;
        }

        void decryptTo(int end) {
            if (end <= done) {
                return;
            }
            byte[] b = new byte[end - done];
            buf.get(done, b);
            buf.put(done, cipher.getDecryptionCipher().update(b));
            done = end;
        }
    }

    private EncryptionPolicy selectPolicy(byte[] cryptoProvide) {
        boolean plain = (cryptoProvide[3] & 0x01) != 0;
        boolean rc4 = (cryptoProvide[3] & 0x02) != 0;
        EncryptionPolicy selected = switch (localPolicy) {
            case REQUIRE_PLAINTEXT -> plain ? EncryptionPolicy.REQUIRE_PLAINTEXT : null;
            case PREFER_PLAINTEXT -> plain ? EncryptionPolicy.REQUIRE_PLAINTEXT
                    : rc4 ? EncryptionPolicy.REQUIRE_ENCRYPTED : null;
            case PREFER_ENCRYPTED -> rc4 ? EncryptionPolicy.REQUIRE_ENCRYPTED
                    : plain ? EncryptionPolicy.REQUIRE_PLAINTEXT : null;
            case REQUIRE_ENCRYPTED -> rc4 ? EncryptionPolicy.REQUIRE_ENCRYPTED : null;
        };
        if (selected == null) {
            throw new IllegalStateException("Failed to negotiate the encryption policy: local policy ("
                    + localPolicy.name() + "), peer's policy (" + Arrays.toString(cryptoProvide) + ")");
        }
        return selected;
    }

    /** Reads until the buffer holds at least {@code position} bytes (it may hold more). */
    private void fill(ByteChannel channel, ByteBuffer in, int position, long deadline) throws IOException {
        if (position > in.capacity()) {
            throw new IllegalStateException("MSE handshake does not fit the buffer: " + position);
        }
        int idle = 0;
        while (in.position() < position) {
            int n = channel.read(in);
            if (n < 0) {
                throw new IOException("EOF during MSE handshake after " + in.position() + " bytes");
            }
            if (n == 0) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("MSE handshake timed out after " + in.position() + " bytes");
                }
                pause(++idle);
            } else {
                idle = 0;
            }
        }
    }

    private void writeFully(ByteChannel channel, ByteBuffer src, long deadline) throws IOException {
        int idle = 0;
        while (src.hasRemaining()) {
            if (channel.write(src) == 0) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("MSE handshake write timed out");
                }
                pause(++idle);
            } else {
                idle = 0;
            }
        }
    }

    /**
     * Waits for the (non-blocking) channel: 1 ms, growing to 10 ms while nothing comes. Bt's own reader sleeps
     * {@code Config.getMseWaitBetweenReads()} (default 1 s) between reads, which made every MSE handshake take 1-2 s.
     */
    private static void pause(int idleRounds) {
        try {
            Thread.sleep(Math.min(10, idleRounds));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during MSE handshake", e);
        }
    }

    /** Where {@code pattern} starts in bytes [from, position) of the write-mode buffer, or -1. */
    private static int indexOf(ByteBuffer in, byte[] pattern, int from) {
        outer:
        for (int i = from; i + pattern.length <= in.position(); i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (in.get(i + j) != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] sha1(byte[] a, byte[] b) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-1");
            d.update(a);
            d.update(b);
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] r = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = (byte) (a[i] ^ b[i]);
        }
        return r;
    }

    /** A channel that keeps a copy of every byte read through it (only used during the MSE handshake). */
    private static final class RecordingChannel implements ByteChannel {
        private final ByteChannel delegate;
        private final ByteArrayOutputStream read = new ByteArrayOutputStream();

        RecordingChannel(ByteChannel delegate) {
            this.delegate = delegate;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int start = dst.position();
            int n = delegate.read(dst);
            if (n > 0) {
                ByteBuffer copy = dst.duplicate();
                copy.position(start).limit(start + n);
                byte[] b = new byte[n];
                copy.get(b);
                read.writeBytes(b);
            }
            return n;
        }

        /** The last {@code n} bytes read, or null if fewer were read. */
        byte[] last(int n) {
            byte[] all = read.toByteArray();
            if (all.length < n) {
                return null;
            }
            byte[] tail = new byte[n];
            System.arraycopy(all, all.length - n, tail, 0, n);
            return tail;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return delegate.write(src);
        }

        @Override
        public boolean isOpen() {
            return delegate.isOpen();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
