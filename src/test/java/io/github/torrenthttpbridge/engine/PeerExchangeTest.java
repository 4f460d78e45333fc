package io.github.torrenthttpbridge.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.torrent.Bencode;
import org.junit.jupiter.api.Test;

/** BEP 11 messages toward one peer: what is added and dropped, the flags, the families, the pace and the caps. */
class PeerExchangeTest {
    static final long MINUTE = TimeUnit.SECONDS.toNanos(60);

    /** The decoded dictionary of a ut_pex message, after checking its header and the peer's extension id. */
    static Map<?, ?> decode(ByteBuffer m, int peerId) throws Exception {
        assertEquals(m.remaining() - 4, m.getInt(0), "length prefix");
        assertEquals(Wire.EXTENDED, m.get(4));
        assertEquals(peerId, m.get(5), "sent under the id the peer gave ut_pex");
        byte[] payload = new byte[m.remaining() - 6];
        m.duplicate().position(6).get(payload);
        return (Map<?, ?>) Bencode.decode(payload);
    }

    static InetSocketAddress v4(int last, int port) {
        return new InetSocketAddress("10.0.0." + last, port);
    }

    @Test
    void nothingIsSentToAPeerWithoutUtPexAndThenOnceAMinute() {
        PeerExchange pex = new PeerExchange();
        assertFalse(pex.due(0), "the peer did not say it speaks ut_pex");
        pex.peerSupports(3);
        assertTrue(pex.due(0));
        assertNull(pex.next(0, Map.of()), "no other peers: nothing to say");
        assertFalse(pex.due(MINUTE - 1), "the next look is a minute away even when nothing was sent");
        assertTrue(pex.due(MINUTE));
        pex.peerSupports(300);
        assertFalse(pex.due(10 * MINUTE), "an id that does not fit a byte turns ut_pex off");
    }

    @Test
    void addedThenDroppedWithFlagsAndFamilies() throws Exception {
        PeerExchange pex = new PeerExchange();
        pex.peerSupports(7);
        Map<InetSocketAddress, Boolean> others = new LinkedHashMap<>();
        others.put(v4(1, 6881), true);
        others.put(new InetSocketAddress("2001:db8::5", 51413), false);
        Map<?, ?> first = decode(pex.next(0, others), 7);
        assertArrayEquals(new byte[] {10, 0, 0, 1, 0x1a, (byte) 0xe1}, (byte[]) first.get("added"));
        assertArrayEquals(new byte[] {PeerExchange.FLAG_REACHABLE}, (byte[]) first.get("added.f"), "we dialed it: reachable");
        byte[] six = (byte[]) first.get("added6");
        assertEquals(18, six.length);
        assertEquals(0x20, six[0] & 0xff);
        assertEquals(51413, ((six[16] & 0xff) << 8) | (six[17] & 0xff));
        assertArrayEquals(new byte[] {0}, (byte[]) first.get("added6.f"), "it dialed us: not known reachable");
        assertArrayEquals(new byte[0], (byte[]) first.get("dropped"));
        assertFalse(first.containsKey("dropped6"), "IPv6 keys only when used");

        assertNull(pex.next(MINUTE, others), "nothing changed: no message");
        others.remove(v4(1, 6881));
        others.put(v4(2, 6882), false);
        Map<?, ?> second = decode(pex.next(2 * MINUTE, others), 7);
        assertArrayEquals(new byte[] {10, 0, 0, 2, 0x1a, (byte) 0xe2}, (byte[]) second.get("added"), "only the new one");
        assertArrayEquals(new byte[] {10, 0, 0, 1, 0x1a, (byte) 0xe1}, (byte[]) second.get("dropped"));
        assertFalse(second.containsKey("added6"), "the IPv6 peer was told already");
    }

    @Test
    void atMostFiftyEachWayAndTheRestFollowsAMinuteLater() throws Exception {
        PeerExchange pex = new PeerExchange();
        pex.peerSupports(1);
        Map<InetSocketAddress, Boolean> others = new LinkedHashMap<>();
        for (int i = 0; i < 120; i++) {
            others.put(v4(i, 10000 + i), false);
        }
        int told = 0;
        for (int round = 0; round < 3; round++) {
            Map<?, ?> m = decode(pex.next(round * MINUTE, others), 1);
            int n = ((byte[]) m.get("added")).length / 6;
            assertTrue(n <= PeerExchange.MAX_PER_MESSAGE, "round " + round + ": " + n);
            told += n;
        }
        assertEquals(120, told, "50 + 50 + 20");
        assertNull(pex.next(3 * MINUTE, others));
        Map<?, ?> gone = decode(pex.next(4 * MINUTE, Map.of()), 1);
        assertEquals(PeerExchange.MAX_PER_MESSAGE * 6, ((byte[]) gone.get("dropped")).length, "50 dropped per message");
    }
}
