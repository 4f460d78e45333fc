package io.github.torrenthttpbridge.engine;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/**
 * One side of an MSE handshake, fed the bytes as they arrive (any split, even one byte at a time). No I/O: the
 * caller reads and writes the socket. The exchange (A initiates, B receives; all ENCRYPT with A's or B's RC4 stream):
 * <pre>
 * 1 A-&gt;B: Ya, PadA
 * 2 B-&gt;A: Yb, PadB
 * 3 A-&gt;B: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
 *         ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
 * 4 B-&gt;A: ENCRYPT(VC, crypto_select, len(PadD), PadD), then the payload stream (ENCRYPT2)
 * 5 A-&gt;B: the payload stream (ENCRYPT2)
 * </pre>
 * ENCRYPT2 is the selected method: RC4 continuing the same streams, or plaintext. IA is always RC4-encrypted.
 * Pads are 0..512 bytes; the receiver finds HASH('req1', S) within 532 bytes after Ya, the initiator finds
 * ENCRYPT(VC) within 520 bytes after Yb, or fails. Exactly the handshake is consumed: whatever follows it stays in
 * the caller's buffer, as it came off the wire. Not thread-safe.
 */
final class MseHandshake {
    enum Crypto { PLAINTEXT, RC4 }

    /** Receiver: finds the torrent from HASH('req2', infoHash); returns the 20-byte info hash or null if not seeded. */
    interface TorrentLookup {
        byte[] infoHashForReq2(byte[] req2Hash);
    }

    static final int CRYPTO_PLAINTEXT = 0x01;
    static final int CRYPTO_RC4 = 0x02;
    static final int MAX_PAD = MseCrypto.MAX_PAD;
    static final int MAX_IA = 0xffff;
    private static final int KEY = MseCrypto.KEY_BYTES;
    private static final int HASH = 20;
    private static final int VC = 8;

    private enum State {
        PEER_KEY, SYNC, REQ2, VC_PROVIDE, PADC, IA,  // receiver
        SELECT, PADD,                               // initiator (after PEER_KEY and SYNC)
        DONE, FAILED
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final boolean initiator;
    private final TorrentLookup lookup;
    private final boolean allowPlaintext;
    private final boolean allowRc4;
    private final int cryptoProvide;
    private final byte[] payloadToSend;
    private final BigInteger privateKey = MseCrypto.privateKey(RANDOM);

    private State state = State.PEER_KEY;
    private boolean started;
    private byte[] infoHash;
    private byte[] secret;
    /** Receiver: HASH('req1', S); initiator: ENCRYPT(VC). Searched for in the bytes after the peer's key. */
    private byte[] syncPattern;
    /** Field being read: its bytes so far (also the search window while in SYNC). */
    private byte[] field = new byte[KEY];
    private int fieldHave;
    private Rc4 encryptor;
    private Rc4 decryptor;
    private Crypto crypto;
    private ByteBuffer receivedPayload = ByteBuffer.allocate(0);

    private MseHandshake(boolean initiator, TorrentLookup lookup, boolean allowPlaintext, boolean allowRc4,
                         byte[] infoHash, int cryptoProvide, byte[] payloadToSend) {
        this.initiator = initiator;
        this.lookup = lookup;
        this.allowPlaintext = allowPlaintext;
        this.allowRc4 = allowRc4;
        this.infoHash = infoHash;
        this.cryptoProvide = cryptoProvide;
        this.payloadToSend = payloadToSend;
    }

    /** Incoming connection whose first bytes are not a plain BitTorrent handshake. Chooses plaintext when the peer
     *  offers it and allowPlaintext, else RC4 when offered and allowRc4, else fails. Feed it the stream from its
     *  first byte (including any bytes already peeked at to rule out a plain handshake). */
    static MseHandshake receiver(TorrentLookup lookup, boolean allowPlaintext, boolean allowRc4) {
        if (lookup == null) {
            throw new IllegalArgumentException("lookup is null");
        }
        if (!allowPlaintext && !allowRc4) {
            throw new IllegalArgumentException("neither plaintext nor RC4 allowed");
        }
        return new MseHandshake(false, lookup, allowPlaintext, allowRc4, null, 0, null);
    }

    /** Outgoing connection for infoHash; cryptoProvide bits (1 plaintext | 2 RC4); initialPayload (our BitTorrent
     *  handshake, may be empty) is sent as IA, encrypted, inside the handshake. */
    static MseHandshake initiator(byte[] infoHash, int cryptoProvide, byte[] initialPayload) {
        if (infoHash == null || infoHash.length != HASH) {
            throw new IllegalArgumentException("info hash must have 20 bytes");
        }
        if (cryptoProvide < 1 || cryptoProvide > (CRYPTO_PLAINTEXT | CRYPTO_RC4)) {
            throw new IllegalArgumentException("cryptoProvide must be 1 (plaintext), 2 (RC4) or 3 (both): " + cryptoProvide);
        }
        byte[] ia = initialPayload == null ? new byte[0] : initialPayload.clone();
        if (ia.length > MAX_IA) {
            throw new IllegalArgumentException("initial payload longer than " + MAX_IA + " bytes: " + ia.length);
        }
        return new MseHandshake(true, null, false, false, infoHash.clone(), cryptoProvide, ia);
    }

    /** Static helper for the receiver's lookup table: HASH('req2', infoHash). */
    static byte[] req2(byte[] infoHash) {
        return MseCrypto.hash("req2", infoHash);
    }

    /** Bytes to send first (initiator: Ya+padA; receiver: nothing until Ya has arrived). Call once. */
    ByteBuffer start() {
        if (started) {
            throw new IllegalStateException("start() already called");
        }
        started = true;
        return initiator ? MseCrypto.keyAndPad(MseCrypto.publicKey(privateKey), RANDOM) : ByteBuffer.allocate(0);
    }

    /** Consumes what it can from in (bytes after the end of the handshake stay in {@code in}, untouched: still
     *  encrypted in RC4 mode); adds bytes to send to out; returns true once the handshake is complete. */
    boolean process(ByteBuffer in, List<ByteBuffer> out) throws MseException {
        if (initiator && !started) {
            throw new IllegalStateException("call start() first and send what it returns");
        }
        if (state == State.FAILED) {
            throw new MseException("MSE handshake already failed");
        }
        try {
            while (state != State.DONE && step(in, out)) {
                // each step consumed a whole field
            }
            return state == State.DONE;
        } catch (MseException | RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
    }

    /** Runs one state; false when more input is needed. */
    private boolean step(ByteBuffer in, List<ByteBuffer> out) throws MseException {
        switch (state) {
            case PEER_KEY: {
                if (!fill(in)) {
                    return false;
                }
                secret = MseCrypto.sharedSecret(field, privateKey);
                if (initiator) {
                    encryptor = new Rc4(MseCrypto.hash("keyA", secret, infoHash));  // continues after IA
                    out.add(MseCrypto.step3(secret, infoHash, cryptoProvide, payloadToSend, encryptor, RANDOM));
                    decryptor = new Rc4(MseCrypto.hash("keyB", secret, infoHash));
                    syncPattern = new byte[VC];
                    decryptor.apply(syncPattern, 0, VC);  // ENCRYPT(VC); the decryptor now stands after it
                    startSearch(MAX_PAD + VC);
                } else {
                    out.add(MseCrypto.keyAndPad(MseCrypto.publicKey(privateKey), RANDOM));
                    syncPattern = MseCrypto.hash("req1", secret);
                    startSearch(MAX_PAD + HASH);
                }
                return true;
            }
            case SYNC:
                return search(in);
            case REQ2: {
                if (!fill(in)) {
                    return false;
                }
                byte[] req2 = MseCrypto.xor(field, MseCrypto.hash("req3", secret));
                byte[] found = lookup.infoHashForReq2(req2);
                if (found == null || found.length != HASH || !Arrays.equals(req2(found), req2)) {
                    throw new MseException("peer asked for a torrent that is not seeded here");
                }
                infoHash = found.clone();
                decryptor = new Rc4(MseCrypto.hash("keyA", secret, infoHash));
                encryptor = new Rc4(MseCrypto.hash("keyB", secret, infoHash));
                expect(VC + 4 + 2, State.VC_PROVIDE);
                return true;
            }
            case VC_PROVIDE: {
                if (!fill(in)) {
                    return false;
                }
                decryptor.apply(field, 0, field.length);
                for (int k = 0; k < VC; k++) {
                    if (field[k] != 0) {
                        throw new MseException("bad verification constant from peer");
                    }
                }
                int provide = ByteBuffer.wrap(field, VC, 4).getInt();
                crypto = select(provide);
                // step 4 now; keyB's stream continues for everything we send later
                out.add(MseCrypto.step4(crypto == Crypto.RC4 ? CRYPTO_RC4 : CRYPTO_PLAINTEXT, encryptor, RANDOM));
                expect(padLength(field, VC + 4) + 2, State.PADC);
                return true;
            }
            case PADC: {
                if (!fill(in)) {
                    return false;
                }
                decryptor.apply(field, 0, field.length);
                int iaLength = ((field[field.length - 2] & 0xff) << 8) | (field[field.length - 1] & 0xff);
                expect(iaLength, State.IA);
                return true;
            }
            case IA: {
                if (!fill(in)) {
                    return false;
                }
                decryptor.apply(field, 0, field.length);
                receivedPayload = ByteBuffer.wrap(field);
                finish();
                return true;
            }
            case SELECT: {
                if (!fill(in)) {
                    return false;
                }
                decryptor.apply(field, 0, field.length);
                int select = ByteBuffer.wrap(field, 0, 4).getInt();
                if (select != CRYPTO_PLAINTEXT && select != CRYPTO_RC4 || (select & cryptoProvide) == 0) {
                    throw new MseException("peer selected crypto " + select + ", we provided " + cryptoProvide);
                }
                crypto = select == CRYPTO_RC4 ? Crypto.RC4 : Crypto.PLAINTEXT;
                expect(padLength(field, 4), State.PADD);
                return true;
            }
            case PADD: {
                if (!fill(in)) {
                    return false;
                }
                decryptor.apply(field, 0, field.length);  // PadD: content ignored, but it advances the stream
                finish();
                return true;
            }
            default:
                throw new IllegalStateException(state.name());
        }
    }

    /** Copies into field until it is full; true when it is. Consumes nothing beyond the field. */
    private boolean fill(ByteBuffer in) {
        int n = Math.min(in.remaining(), field.length - fieldHave);
        in.get(field, fieldHave, n);
        fieldHave += n;
        return fieldHave == field.length;
    }

    private void expect(int length, State next) {
        field = new byte[length];
        fieldHave = 0;
        state = next;
    }

    private void startSearch(int window) {
        expect(window, State.SYNC);
    }

    /**
     * Looks for syncPattern in the bytes after the peer's key, at most field.length of them. When found, gives back to
     * {@code in} the bytes read past its end (they all came from this call, else the pattern would have been found
     * before).
     */
    private boolean search(ByteBuffer in) throws MseException {
        int before = fieldHave;
        int n = Math.min(in.remaining(), field.length - before);
        in.get(field, before, n);
        fieldHave += n;
        int len = syncPattern.length;
        for (int at = Math.max(0, before - len + 1); at + len <= fieldHave; at++) {
            if (Arrays.equals(field, at, at + len, syncPattern, 0, len)) {
                in.position(in.position() - (fieldHave - (at + len)));
                if (initiator) {
                    expect(4 + 2, State.SELECT);
                } else {
                    expect(HASH, State.REQ2);
                }
                return true;
            }
        }
        if (fieldHave == field.length) {
            throw new MseException(initiator ? "no verification constant within " + field.length + " bytes after Yb"
                    : "no HASH('req1', S) within " + field.length + " bytes after Ya");
        }
        return false;
    }

    private static int padLength(byte[] b, int at) throws MseException {
        int len = ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
        if (len > MAX_PAD) {
            throw new MseException("MSE padding of " + len + " bytes (at most " + MAX_PAD + ")");
        }
        return len;
    }

    private Crypto select(int provide) throws MseException {
        if ((provide & CRYPTO_PLAINTEXT) != 0 && allowPlaintext) {
            return Crypto.PLAINTEXT;
        }
        if ((provide & CRYPTO_RC4) != 0 && allowRc4) {
            return Crypto.RC4;
        }
        throw new MseException("peer offers crypto " + provide + ", we allow"
                + (allowPlaintext ? " plaintext" : "") + (allowRc4 ? " RC4" : ""));
    }

    private void finish() {
        field = null;
        syncPattern = null;
        secret = null;
        if (crypto == Crypto.PLAINTEXT) {
            encryptor = null;
            decryptor = null;
        }
        state = State.DONE;
    }

    boolean isDone() {
        return state == State.DONE;
    }

    /** The selected method, once known (receiver: after crypto_provide; initiator: after crypto_select). */
    Crypto crypto() {
        return crypto;
    }

    /** Receiver: the torrent the peer asked for (null until known); initiator: the one it was made for. */
    byte[] infoHash() {
        return infoHash == null ? null : infoHash.clone();
    }

    /** Continues the sending stream after the handshake (RC4 mode); null in plaintext or before the end. */
    Rc4 encryptor() {
        return state == State.DONE ? encryptor : null;
    }

    /** Continues the receiving stream after the handshake (RC4 mode); null in plaintext or before the end. */
    Rc4 decryptor() {
        return state == State.DONE ? decryptor : null;
    }

    /** Receiver: the peer's initial payload IA, already decrypted (usually its BitTorrent handshake); may be empty.
     *  A fresh view on each call, position 0. Initiator: always empty. */
    ByteBuffer initialPayload() {
        return receivedPayload.duplicate().position(0);
    }
}
