package io.github.torrenthttpbridge.engine;

import static io.github.torrenthttpbridge.engine.MseSpec.concat;
import static io.github.torrenthttpbridge.engine.MseSpec.drain;
import static io.github.torrenthttpbridge.engine.MseSpec.random;
import static io.github.torrenthttpbridge.engine.MseSpec.sha1;
import static io.github.torrenthttpbridge.engine.MseSpec.xor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.crypto.Cipher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MseHandshakeTest {
    enum Chunks { ONE_BYTE, RANDOM, ALL }

    private static final MseHandshake.Crypto PLAIN = MseHandshake.Crypto.PLAINTEXT;
    private static final MseHandshake.Crypto RC4 = MseHandshake.Crypto.RC4;

    private final byte[] infoHash = sha1("torrent", new byte[] {1});
    private final Map<String, byte[]> seeded = new HashMap<>();
    private final MseHandshake.TorrentLookup lookup = req2 -> seeded.get(Arrays.toString(req2));

    MseHandshakeTest() {
        for (byte[] ih : new byte[][] {infoHash, sha1("other", new byte[] {2}), sha1("third", new byte[] {3})}) {
            seeded.put(Arrays.toString(MseHandshake.req2(ih)), ih);
        }
    }

    // ---------------------------------------------------------------- our initiator <-> our receiver, in memory

    /** One direction of the wire: bytes written, and how far the other side has read. */
    static final class Pipe {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int read;

        int pending() {
            return bytes.size() - read;
        }
    }

    /** One end: its handshake, what it writes, what it will send right behind the handshake, what it got after. */
    static final class Side {
        final MseHandshake hs;
        final byte[] extras;
        final Pipe out = new Pipe();
        final ByteArrayOutputStream after = new ByteArrayOutputStream();
        boolean done;

        Side(MseHandshake hs, byte[] extras) {
            this.hs = hs;
            this.extras = extras;
        }

        void send(List<ByteBuffer> buffers) {
            out.bytes.writeBytes(drain(buffers));
        }
    }

    /** Delivers from's pending bytes to `to`, except the last `keep`, in chunks; a side that finishes sends its
     *  extras at once (through its encryptor in RC4 mode), so they sit right behind its handshake on the wire. */
    static void deliver(Side from, Side to, int keep, Chunks chunks, Random r) throws MseException {
        Pipe pipe = from.out;
        byte[] all = pipe.bytes.toByteArray();
        int end = all.length - keep;
        while (pipe.read < end) {
            int n = chunkSize(chunks, r, end - pipe.read);
            ByteBuffer in = ByteBuffer.wrap(Arrays.copyOfRange(all, pipe.read, pipe.read + n));
            pipe.read += n;
            if (to.done) {
                to.after.writeBytes(in.array());
                continue;
            }
            List<ByteBuffer> out = new ArrayList<>();
            to.done = to.hs.process(in, out);
            to.send(out);
            if (!to.done) {
                assertFalse(in.hasRemaining(), "an unfinished handshake consumes everything it is given");
                continue;
            }
            byte[] rest = new byte[in.remaining()];
            in.get(rest);
            to.after.writeBytes(rest);
            byte[] extras = to.extras.clone();
            if (to.hs.encryptor() != null) {
                to.hs.encryptor().apply(ByteBuffer.wrap(extras));
            }
            to.out.bytes.writeBytes(extras);
        }
    }

    static int chunkSize(Chunks chunks, Random r, int left) {
        switch (chunks) {
            case ONE_BYTE: return 1;
            case ALL: return left;
            default: return 1 + r.nextInt(Math.min(left, r.nextBoolean() ? 7 : 700));
        }
    }

    static List<Arguments> pairs() {
        List<Arguments> list = new ArrayList<>();
        for (MseHandshake.Crypto crypto : MseHandshake.Crypto.values()) {
            for (boolean withIa : new boolean[] {false, true}) {
                for (Chunks chunks : Chunks.values()) {
                    for (boolean receiverBoundary : new boolean[] {true, false}) {
                        list.add(Arguments.of(crypto, withIa, chunks, receiverBoundary));
                    }
                }
            }
        }
        return list;
    }

    /**
     * A full handshake between our two halves, both sides sending more right behind the handshake. The wire is
     * scheduled so that the tested side gets its last handshake byte and the peer's following bytes together:
     * the receiver (IA's end + the initiator's next messages) or the initiator (PadD's end + the receiver's).
     */
    @ParameterizedTest(name = "{0} IA={1} {2} receiverBoundary={3}")
    @MethodSource("pairs")
    void bothRolesAgreeAndTheStreamAfterTheHandshakeIsIntact(MseHandshake.Crypto crypto, boolean withIa, Chunks chunks,
                                                             boolean receiverBoundary) throws Exception {
        Random r = new Random(Arrays.hashCode(new Object[] {crypto, withIa, chunks, receiverBoundary}));
        byte[] ia = withIa ? concat(MseSpec.btHandshake(infoHash, r), MseSpec.someMessages(r)) : new byte[0];
        Side a = new Side(MseHandshake.initiator(infoHash, 3, ia), MseSpec.someMessages(r));
        Side b = new Side(MseHandshake.receiver(lookup, crypto == PLAIN, true),
                concat(MseSpec.btHandshake(infoHash, r), MseSpec.someMessages(r)));
        a.out.bytes.writeBytes(drain(new ArrayList<>(List.of(a.hs.start()))));
        assertEquals(0, b.hs.start().remaining());

        deliver(a, b, 0, chunks, r);  // Ya, PadA -> Yb, PadB
        deliver(b, a, 0, chunks, r);  // -> step 3
        deliver(a, b, 1, chunks, r);  // all of step 3 but its last byte -> step 4
        assertFalse(b.done);
        if (receiverBoundary) {
            deliver(b, a, 0, chunks, r);  // initiator done: its next messages follow step 3 on the wire
            assertTrue(a.done);
            deliver(a, b, 0, chunks, r);  // the last IA byte arrives with them
            deliver(b, a, 0, chunks, r);
        } else {
            deliver(b, a, 1, chunks, r);
            assertFalse(a.done);
            deliver(a, b, 0, chunks, r);  // receiver done: its messages follow step 4 on the wire
            deliver(b, a, 0, chunks, r);  // the last PadD byte arrives with them
            deliver(a, b, 0, chunks, r);
        }
        assertTrue(a.done && b.done);
        assertEquals(0, a.out.pending() + b.out.pending());

        assertEquals(crypto, a.hs.crypto());
        assertEquals(crypto, b.hs.crypto());
        assertArrayEquals(infoHash, b.hs.infoHash());
        assertArrayEquals(ia, bytes(b.hs.initialPayload()));
        assertEquals(0, a.hs.initialPayload().remaining());
        assertStream(b.hs, b.after.toByteArray(), a.extras);
        assertStream(a.hs, a.after.toByteArray(), b.extras);
    }

    /** What followed the handshake on the wire is the peer's data: plaintext, or RC4 continuing the decryptor. */
    static void assertStream(MseHandshake hs, byte[] wire, byte[] expected) {
        if (hs.crypto() == PLAIN) {
            assertNull(hs.decryptor());
            assertNull(hs.encryptor());
            assertArrayEquals(expected, wire);
        } else {
            assertFalse(Arrays.equals(expected, wire), "RC4 mode: the bytes after the handshake travel encrypted");
            hs.decryptor().apply(wire, 0, wire.length);
            assertArrayEquals(expected, wire);
        }
    }

    @Test
    void randomInterleavingsOfBothDirections() throws Exception {
        for (int seed = 0; seed < 40; seed++) {
            Random r = new Random(seed);
            MseHandshake.Crypto crypto = seed % 2 == 0 ? PLAIN : RC4;
            byte[] ia = seed % 3 == 0 ? new byte[0] : concat(MseSpec.btHandshake(infoHash, r), MseSpec.someMessages(r));
            int provide = crypto == PLAIN ? 1 + 2 * r.nextInt(2) : 2 + r.nextInt(2);
            boolean allowPlaintext = crypto == PLAIN || provide == 2 && r.nextBoolean();
            Side a = new Side(MseHandshake.initiator(infoHash, provide, ia), random(r, 1 + r.nextInt(3000)));
            Side b = new Side(MseHandshake.receiver(lookup, allowPlaintext, true), random(r, 1 + r.nextInt(3000)));
            a.out.bytes.writeBytes(drain(new ArrayList<>(List.of(a.hs.start()))));
            b.hs.start();
            Chunks chunks = Chunks.values()[seed % 3];
            for (int i = 0; i < 100_000 && (a.out.pending() > 0 || b.out.pending() > 0); i++) {
                boolean aToB = r.nextBoolean();
                Side from = aToB ? a : b;
                Side to = aToB ? b : a;
                if (from.out.pending() > 0) {
                    deliver(from, to, Math.max(0, from.out.pending() - chunkSize(chunks, r, from.out.pending())),
                            chunks, r);
                }
            }
            assertTrue(a.done && b.done, "seed " + seed);
            assertEquals(crypto, a.hs.crypto(), "seed " + seed);
            assertArrayEquals(ia, bytes(b.hs.initialPayload()));
            assertStream(b.hs, b.after.toByteArray(), a.extras);
            assertStream(a.hs, a.after.toByteArray(), b.extras);
        }
    }

    // ---------------------------------------------------------------- each role against the spec, scripted

    /** Feeds data to hs in chunks; returns the bytes of data behind the handshake's end, or null if not done. */
    static byte[] feed(MseHandshake hs, byte[] data, Chunks chunks, Random r, List<ByteBuffer> out)
            throws MseException {
        ByteArrayOutputStream after = null;
        for (int at = 0; at < data.length; ) {
            int n = chunkSize(chunks, r, data.length - at);
            ByteBuffer in = ByteBuffer.wrap(Arrays.copyOfRange(data, at, at + n));
            at += n;
            if (after != null) {
                after.writeBytes(in.array());
            } else if (hs.process(in, out)) {
                after = new ByteArrayOutputStream();
                after.writeBytes(bytes(in));
            } else {
                assertFalse(in.hasRemaining(), "an unfinished handshake consumes everything it is given");
            }
        }
        return after == null ? null : after.toByteArray();
    }

    static List<Arguments> receiverCases() {
        List<Arguments> list = new ArrayList<>();
        for (Chunks chunks : Chunks.values()) {
            // crypto_provide, allowPlaintext, expected selection
            list.add(Arguments.of(3, true, PLAIN, chunks));
            list.add(Arguments.of(1, true, PLAIN, chunks));
            list.add(Arguments.of(3, false, RC4, chunks));
            list.add(Arguments.of(2, true, RC4, chunks));
        }
        return list;
    }

    /** Our receiver against an initiator written from the spec (JDK ciphers), with its data right behind IA. */
    @ParameterizedTest(name = "provide={0} allowPlaintext={1} -> {2}, {3}")
    @MethodSource("receiverCases")
    void receiverFollowsTheSpec(int provide, boolean allowPlaintext, MseHandshake.Crypto expected, Chunks chunks)
            throws Exception {
        Random r = new Random(provide * 31 + chunks.ordinal() + (allowPlaintext ? 100 : 0));
        for (int padLength : new int[] {0, 512, r.nextInt(513)}) {
            MseHandshake b = MseHandshake.receiver(lookup, allowPlaintext, true);
            List<ByteBuffer> out = new ArrayList<>();
            MseSpec.Party pa = new MseSpec.Party(r);
            assertNull(feed(b, concat(pa.y, random(r, padLength)), chunks, r, out));
            byte[] bOut = drain(out);
            assertTrue(bOut.length >= 96 && bOut.length <= 96 + 512, "Yb + PadB: " + bOut.length);
            byte[] s = pa.secret(Arrays.copyOf(bOut, 96));

            Cipher encA = MseSpec.rc4("keyA", s, infoHash);
            byte[] ia = concat(MseSpec.btHandshake(infoHash, r), MseSpec.someMessages(r));
            byte[] padC = new byte[padLength];
            byte[] aData = MseSpec.someMessages(r);
            byte[] step3 = concat(sha1("req1", s), xor(sha1("req2", infoHash), sha1("req3", s)),
                    encA.update(ByteBuffer.allocate(8 + 4 + 2 + padC.length + 2 + ia.length).put(new byte[8])
                            .putInt(provide).putShort((short) padC.length).put(padC).putShort((short) ia.length)
                            .put(ia).array()));
            byte[] aWire = expected == RC4 ? encA.update(aData) : aData;
            byte[] after = feed(b, concat(step3, aWire), chunks, r, out);
            assertArrayEquals(aWire, after, "exactly the handshake is consumed, the rest is as on the wire");
            assertEquals(expected, b.crypto());
            assertArrayEquals(infoHash, b.infoHash());
            assertArrayEquals(ia, bytes(b.initialPayload()));
            assertStream(b, after, aData);

            // step 4 and what the receiver sends next, read as the spec says
            byte[] bData = MseSpec.someMessages(r);
            byte[] bWire = bData.clone();
            if (b.encryptor() != null) {
                b.encryptor().apply(bWire, 0, bWire.length);
            }
            byte[] wire = concat(Arrays.copyOfRange(bOut, 96, bOut.length), drain(out), bWire);
            Cipher decB = MseSpec.rc4("keyB", s, infoHash);
            byte[] vc = decB.update(new byte[8]);
            int k = indexOf(wire, vc);
            assertTrue(k >= 0 && k <= 512, "ENCRYPT(VC) after PadB at " + k);
            ByteBuffer sel = ByteBuffer.wrap(decB.update(wire, k + 8, 6));
            assertEquals(expected == RC4 ? 2 : 1, sel.getInt());
            int padD = sel.getShort() & 0xffff;
            assertTrue(padD <= 512);
            decB.update(wire, k + 14, padD);
            byte[] rest = Arrays.copyOfRange(wire, k + 14 + padD, wire.length);
            assertArrayEquals(bData, expected == RC4 ? decB.update(rest) : rest);
        }
    }

    static List<Arguments> initiatorCases() {
        List<Arguments> list = new ArrayList<>();
        for (Chunks chunks : Chunks.values()) {
            for (boolean withIa : new boolean[] {false, true}) {
                // crypto_provide, the receiver's crypto_select
                list.add(Arguments.of(3, 1, withIa, chunks));
                list.add(Arguments.of(3, 2, withIa, chunks));
                list.add(Arguments.of(1, 1, withIa, chunks));
                list.add(Arguments.of(2, 2, withIa, chunks));
            }
        }
        return list;
    }

    /** Our initiator against a receiver written from the spec (JDK ciphers), with its data right behind PadD. */
    @ParameterizedTest(name = "provide={0} select={1} IA={2} {3}")
    @MethodSource("initiatorCases")
    void initiatorFollowsTheSpec(int provide, int select, boolean withIa, Chunks chunks) throws Exception {
        Random r = new Random(provide * 31 + select * 7 + chunks.ordinal() + (withIa ? 100 : 0));
        for (int padLength : new int[] {0, 512, r.nextInt(513)}) {
            byte[] ia = withIa ? concat(MseSpec.btHandshake(infoHash, r), MseSpec.someMessages(r)) : new byte[0];
            MseHandshake a = MseHandshake.initiator(infoHash, provide, ia);
            byte[] aOut = bytes(a.start());
            assertTrue(aOut.length >= 96 && aOut.length <= 96 + 512, "Ya + PadA: " + aOut.length);
            MseSpec.Party pb = new MseSpec.Party(r);
            byte[] s = pb.secret(Arrays.copyOf(aOut, 96));
            List<ByteBuffer> out = new ArrayList<>();
            assertNull(feed(a, concat(pb.y, random(r, padLength)), chunks, r, out));

            byte[] step3 = drain(out);
            assertArrayEquals(sha1("req1", s), Arrays.copyOf(step3, 20));
            assertArrayEquals(xor(sha1("req2", infoHash), sha1("req3", s)), Arrays.copyOfRange(step3, 20, 40));
            Cipher decA = MseSpec.rc4("keyA", s, infoHash);
            ByteBuffer plain = ByteBuffer.wrap(decA.update(step3, 40, step3.length - 40));
            assertEquals(0L, plain.getLong(), "VC");
            assertEquals(provide, plain.getInt());
            int padC = plain.getShort() & 0xffff;
            assertTrue(padC <= 512);
            plain.position(plain.position() + padC);
            assertEquals(ia.length, plain.getShort() & 0xffff);
            byte[] gotIa = new byte[ia.length];
            plain.get(gotIa);
            assertArrayEquals(ia, gotIa);
            assertFalse(plain.hasRemaining(), "nothing but step 3 before step 4 has arrived");

            Cipher encB = MseSpec.rc4("keyB", s, infoHash);
            byte[] padD = new byte[padLength];
            byte[] step4 = encB.update(ByteBuffer.allocate(8 + 4 + 2 + padD.length).put(new byte[8]).putInt(select)
                    .putShort((short) padD.length).put(padD).array());
            byte[] bData = concat(MseSpec.btHandshake(infoHash, r), MseSpec.someMessages(r));
            byte[] bWire = select == 2 ? encB.update(bData) : bData;
            byte[] after = feed(a, concat(step4, bWire), chunks, r, out);
            assertArrayEquals(bWire, after, "exactly the handshake is consumed, the rest is as on the wire");
            assertEquals(select == 2 ? RC4 : PLAIN, a.crypto());
            assertEquals(0, drain(out).length);
            assertStream(a, after, bData);
            if (select == 2) {  // and what we send next continues keyA's stream after IA
                byte[] aData = MseSpec.someMessages(r);
                byte[] aWire = aData.clone();
                a.encryptor().apply(ByteBuffer.wrap(aWire));
                assertArrayEquals(aData, decA.update(aWire));
            }
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- failures

    /** A receiver that has answered Ya; its peer's secret S. */
    private final class ReceiverUnderTest {
        final MseHandshake b;
        final byte[] s;
        final List<ByteBuffer> out = new ArrayList<>();

        ReceiverUnderTest(boolean allowPlaintext, boolean allowRc4, Random r) throws MseException {
            b = MseHandshake.receiver(lookup, allowPlaintext, allowRc4);
            MseSpec.Party pa = new MseSpec.Party(r);
            assertFalse(b.process(ByteBuffer.wrap(pa.y), out));
            s = pa.secret(Arrays.copyOf(drain(out), 96));
        }

        /** Step 3 for ih with the given fields (padC length as declared, padC itself empty when declared > 512). */
        byte[] step3(byte[] ih, int vcByte, int provide, int padCLength, byte[] ia) {
            byte[] padC = new byte[Math.min(padCLength, 512)];
            byte[] vc = new byte[8];
            vc[7] = (byte) vcByte;
            return concat(sha1("req1", s), xor(sha1("req2", ih), sha1("req3", s)), MseSpec.rc4("keyA", s, ih).update(
                    ByteBuffer.allocate(8 + 4 + 2 + padC.length + 2 + ia.length).put(vc).putInt(provide)
                            .putShort((short) padCLength).put(padC).putShort((short) ia.length).put(ia).array()));
        }

        MseException fails(byte[] data) {
            MseException e = assertThrows(MseException.class, () -> feed(b, data, Chunks.ONE_BYTE, new Random(), out));
            assertThrows(MseException.class, () -> b.process(ByteBuffer.allocate(1), out), "stays failed");
            return e;
        }
    }

    @Test
    void unknownTorrentIsRefused() throws Exception {
        ReceiverUnderTest t = new ReceiverUnderTest(true, true, new Random(11));
        MseException e = t.fails(t.step3(sha1("not seeded", new byte[0]), 0, 3, 0, new byte[0]));
        assertTrue(e.getMessage().contains("not seeded"), e.getMessage());
        assertNull(t.b.infoHash());
    }

    @Test
    void lookupAnsweringWithTheWrongTorrentIsRefused() throws Exception {
        MseHandshake.TorrentLookup liar = req2 -> infoHash;  // whatever was asked
        MseHandshake b = MseHandshake.receiver(liar, true, true);
        MseSpec.Party pa = new MseSpec.Party(new Random(12));
        List<ByteBuffer> out = new ArrayList<>();
        b.process(ByteBuffer.wrap(pa.y), out);
        byte[] s = pa.secret(Arrays.copyOf(drain(out), 96));
        byte[] other = sha1("other torrent", new byte[0]);
        byte[] step3 = concat(sha1("req1", s), xor(sha1("req2", other), sha1("req3", s)));
        assertThrows(MseException.class, () -> b.process(ByteBuffer.wrap(step3), out));
    }

    @Test
    void peerOfferingOnlyWhatWeDoNotAllowIsRefused() throws Exception {
        ReceiverUnderTest plaintextOnly = new ReceiverUnderTest(false, true, new Random(13));
        MseException e = plaintextOnly.fails(plaintextOnly.step3(infoHash, 0, 1, 0, new byte[0]));
        assertTrue(e.getMessage().contains("offers crypto 1"), e.getMessage());
        ReceiverUnderTest rc4Only = new ReceiverUnderTest(true, false, new Random(14));
        rc4Only.fails(rc4Only.step3(infoHash, 0, 2, 0, new byte[0]));
        ReceiverUnderTest unknownBits = new ReceiverUnderTest(true, true, new Random(15));
        unknownBits.fails(unknownBits.step3(infoHash, 0, 4, 0, new byte[0]));
        // with plaintext disallowed, a peer offering both gets RC4
        ReceiverUnderTest both = new ReceiverUnderTest(false, true, new Random(16));
        assertTrue(both.b.process(ByteBuffer.wrap(both.step3(infoHash, 0, 3, 0, new byte[0])), both.out));
        assertEquals(RC4, both.b.crypto());
    }

    @Test
    void badVerificationConstantOrOverlongPadCIsRefused() throws Exception {
        ReceiverUnderTest vc = new ReceiverUnderTest(true, true, new Random(17));
        vc.fails(vc.step3(infoHash, 1, 3, 0, new byte[0]));
        ReceiverUnderTest pad = new ReceiverUnderTest(true, true, new Random(18));
        MseException e = pad.fails(pad.step3(infoHash, 0, 3, 513, new byte[0]));
        assertTrue(e.getMessage().contains("513"), e.getMessage());
    }

    @Test
    void receiverGivesUpOnGarbageAfter532BytesPastYa() throws Exception {
        Random r = new Random(19);
        MseHandshake b = MseHandshake.receiver(lookup, true, true);
        byte[] garbage = concat(new MseSpec.Party(r).y, random(r, 2000));
        assertEquals(96 + 532, bytesFedUntilFailure(b, garbage));
    }

    @Test
    void receiverRefusesPadAOf513Bytes() throws Exception {
        Random r = new Random(20);
        MseHandshake b = MseHandshake.receiver(lookup, true, true);
        MseSpec.Party pa = new MseSpec.Party(r);
        List<ByteBuffer> out = new ArrayList<>();
        b.process(ByteBuffer.wrap(pa.y), out);
        byte[] s = pa.secret(Arrays.copyOf(drain(out), 96));
        byte[] rest = concat(random(r, 513), sha1("req1", s), xor(sha1("req2", infoHash), sha1("req3", s)));
        assertEquals(532, bytesFedUntilFailure(b, rest));
    }

    @Test
    void initiatorGivesUpOnGarbageAfter520BytesPastYb() throws Exception {
        Random r = new Random(21);
        MseHandshake a = MseHandshake.initiator(infoHash, 3, new byte[0]);
        a.start();
        assertEquals(96 + 520, bytesFedUntilFailure(a, concat(new MseSpec.Party(r).y, random(r, 2000))));
    }

    @Test
    void initiatorRefusesABadSelectionOrOverlongPadD() throws Exception {
        int[][] cases = {{1, 2, 0}, {2, 1, 0}, {3, 3, 0}, {3, 0, 0}, {3, 2, 513}};  // provide, select, len(PadD)
        for (int[] c : cases) {
            Random r = new Random(c[0] * 10 + c[1]);
            MseHandshake a = MseHandshake.initiator(infoHash, c[0], new byte[0]);
            byte[] ya = Arrays.copyOf(bytes(a.start()), 96);
            MseSpec.Party pb = new MseSpec.Party(r);
            byte[] s = pb.secret(ya);
            List<ByteBuffer> out = new ArrayList<>();
            assertFalse(a.process(ByteBuffer.wrap(pb.y), out));
            byte[] step4 = MseSpec.rc4("keyB", s, infoHash).update(ByteBuffer.allocate(8 + 4 + 2 + 600)
                    .put(new byte[8]).putInt(c[1]).putShort((short) c[2]).array());
            assertThrows(MseException.class, () -> a.process(ByteBuffer.wrap(step4), out), Arrays.toString(c));
            assertFalse(a.isDone());
        }
    }

    @Test
    void degenerateDiffieHellmanKeysAreRefused() {
        byte[] pMinus1 = MseSpec.bytes96(MseSpec.P.subtract(java.math.BigInteger.ONE));
        byte[] one = new byte[96];
        one[95] = 1;
        for (byte[] y : new byte[][] {new byte[96], one, pMinus1, MseSpec.bytes96(MseSpec.P)}) {
            MseHandshake b = MseHandshake.receiver(lookup, true, true);
            assertThrows(MseException.class, () -> b.process(ByteBuffer.wrap(y), new ArrayList<>()));
            MseHandshake a = MseHandshake.initiator(infoHash, 3, new byte[0]);
            a.start();
            assertThrows(MseException.class, () -> a.process(ByteBuffer.wrap(y), new ArrayList<>()));
        }
    }

    /** Feeds one byte at a time until the handshake fails; returns how many bytes it took. */
    static int bytesFedUntilFailure(MseHandshake hs, byte[] data) {
        List<ByteBuffer> out = new ArrayList<>();
        for (int i = 0; i < data.length; i++) {
            try {
                assertFalse(hs.process(ByteBuffer.wrap(data, i, 1), out));
            } catch (MseException e) {
                return i + 1;
            }
        }
        return fail("no failure after " + data.length + " bytes");
    }

    // ---------------------------------------------------------------- helpers and arguments

    @Test
    void req2IsSha1OfReq2AndTheInfoHash() throws Exception {
        byte[] ih = new byte[20];
        for (int i = 0; i < 20; i++) {
            ih[i] = (byte) i;
        }
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        md.update(new byte[] {'r', 'e', 'q', '2'});
        md.update(ih);
        assertArrayEquals(md.digest(), MseHandshake.req2(ih));
        // python3: hashlib.sha1(b'req2' + bytes(range(20))).hexdigest()
        assertEquals("4321b2c3fbde0a4fa12ca762484f5b8dc9cf4b5f", java.util.HexFormat.of().formatHex(MseHandshake.req2(ih)));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> MseHandshake.initiator(new byte[19], 3, null));
        assertThrows(IllegalArgumentException.class, () -> MseHandshake.initiator(infoHash, 0, null));
        assertThrows(IllegalArgumentException.class, () -> MseHandshake.initiator(infoHash, 4, null));
        assertThrows(IllegalArgumentException.class, () -> MseHandshake.initiator(infoHash, 3, new byte[65536]));
        assertThrows(IllegalArgumentException.class, () -> MseHandshake.receiver(null, true, true));
        assertThrows(IllegalArgumentException.class, () -> MseHandshake.receiver(lookup, false, false));
        MseHandshake a = MseHandshake.initiator(infoHash, 3, null);
        assertThrows(IllegalStateException.class, () -> a.process(ByteBuffer.allocate(1), new ArrayList<>()));
        assertNotNull(a.start());
        assertThrows(IllegalStateException.class, a::start);
        assertNull(a.crypto());
        assertNull(a.encryptor());
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
