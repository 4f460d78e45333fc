package io.github.torrenthttpbridge.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import io.github.torrenthttpbridge.torrent.InfoHash;
import org.junit.jupiter.api.Test;

/** BEP 15 packets, byte for byte, and what a hostile or broken tracker's answers do. */
class UdpTrackerPacketsTest {
    static final InfoHash H = InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567");
    static final byte[] PEER_ID = "-TB0100-abcdefghijkl".getBytes(StandardCharsets.US_ASCII);

    static AnnounceRequest request(AnnounceRequest.Event e, String ip) {
        return new AnnounceRequest(H, PEER_ID, 6881, 300, 0, 0, e, 50, 0x01020304, ip);
    }

    @Test
    void connectRequestIsTheMagicActionZeroAndTheTransaction() {
        ByteBuffer b = UdpTrackerPackets.connect(0xCAFEBABE);
        assertEquals(16, b.remaining());
        assertEquals(0x41727101980L, b.getLong());
        assertEquals(0, b.getInt());
        assertEquals(0xCAFEBABE, b.getInt());
    }

    @Test
    void announceLayoutFollowsBep15() {
        ByteBuffer b = UdpTrackerPackets.announce(0x1122334455667788L, 77, request(AnnounceRequest.Event.STARTED, "10.1.2.3"), "/announce");
        assertEquals(98, b.remaining(), "no URL data for a plain /announce");
        assertEquals(0x1122334455667788L, b.getLong());
        assertEquals(1, b.getInt());
        assertEquals(77, b.getInt());
        byte[] h = new byte[20];
        b.get(h);
        assertArrayEquals(H.bytes(), h);
        byte[] id = new byte[20];
        b.get(id);
        assertArrayEquals(PEER_ID, id);
        assertEquals(0, b.getLong(), "downloaded");
        assertEquals(0, b.getLong(), "left");
        assertEquals(300, b.getLong(), "uploaded");
        assertEquals(2, b.getInt(), "started = 2");
        assertEquals(0x0A010203, b.getInt(), "an IPv4 ip parameter is carried");
        assertEquals(0x01020304, b.getInt(), "key");
        assertEquals(50, b.getInt(), "num_want");
        assertEquals(6881, Short.toUnsignedInt(b.getShort()));
        assertEquals(0, b.remaining());
    }

    @Test
    void eventsAndNonIpv4AddressesAreEncoded() {
        assertEquals(0, eventOf(AnnounceRequest.Event.NONE));
        assertEquals(1, eventOf(AnnounceRequest.Event.COMPLETED));
        assertEquals(3, eventOf(AnnounceRequest.Event.STOPPED));
        ByteBuffer b = UdpTrackerPackets.announce(1, 1, request(AnnounceRequest.Event.NONE, "bridge.example.org"), "");
        assertEquals(0, b.getInt(84), "a host name is left to the tracker (0)");
        b = UdpTrackerPackets.announce(1, 1, request(AnnounceRequest.Event.NONE, "::1"), "");
        assertEquals(0, b.getInt(84), "IPv6 cannot be carried (0)");
    }

    private static int eventOf(AnnounceRequest.Event e) {
        return UdpTrackerPackets.announce(1, 1, request(e, null), "").getInt(80);
    }

    @Test
    void pathAndQueryTravelAsBep41UrlDataInChunks() {
        String path = "/announce?passkey=" + "p".repeat(300);
        ByteBuffer b = UdpTrackerPackets.announce(1, 1, request(AnnounceRequest.Event.NONE, null), path);
        byte[] url = path.getBytes(StandardCharsets.US_ASCII);
        assertEquals(98 + 2 + 255 + 2 + (url.length - 255), b.remaining());
        b.position(98);
        assertEquals(2, b.get());
        assertEquals(255, Byte.toUnsignedInt(b.get()));
        byte[] first = new byte[255];
        b.get(first);
        assertArrayEquals(Arrays.copyOf(url, 255), first);
        assertEquals(2, b.get());
        assertEquals(url.length - 255, Byte.toUnsignedInt(b.get()));
    }

    static ByteBuffer answer(int action, int tid, int... words) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * words.length).putInt(action).putInt(tid);
        for (int w : words) {
            b.putInt(w);
        }
        return b.flip();
    }

    @Test
    void connectAnswerGivesTheConnectionIdAndShortOnesAreRefused() throws Exception {
        assertEquals(0x0000000500000006L, UdpTrackerPackets.connectionId(answer(0, 9, 5, 6)));
        assertThrows(TrackerException.class, () -> UdpTrackerPackets.connectionId(answer(0, 9, 5)));
        assertThrows(TrackerException.class, () -> UdpTrackerPackets.connectionId(answer(1, 9, 5, 6)));
    }

    @Test
    void announceAnswerIpv4PeersCountsAndInterval() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(20 + 6 * 2 + 3).putInt(1).putInt(5).putInt(1800).putInt(7).putInt(3)
                .put(new byte[] {127, 0, 0, 1}).putShort((short) 6881)
                .put(new byte[] {10, 0, 0, 2}).putShort((short) 51413)
                .put(new byte[] {1, 2, 3})   // a trailing partial entry
                .flip();
        AnnounceResult r = UdpTrackerPackets.announceResult(b, false, 1000);
        assertEquals(1800, r.interval().getSeconds());
        assertEquals(3, r.seeders());
        assertEquals(7, r.leechers());
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 6881), new InetSocketAddress("10.0.0.2", 51413)), r.peers());
    }

    @Test
    void ipv6TrackersSend18ByteEntriesAndThePeerCapHolds() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(20 + 18 * 3).putInt(1).putInt(5).putInt(600).putInt(0).putInt(1);
        for (int i = 1; i <= 3; i++) {
            byte[] a = new byte[16];
            a[15] = (byte) i;
            b.put(a).putShort((short) (7000 + i));
        }
        AnnounceResult r = UdpTrackerPackets.announceResult(b.flip(), true, 2);
        assertEquals(List.of(new InetSocketAddress("::1", 7001), new InetSocketAddress("::2", 7002)), r.peers());
    }

    @Test
    void refusalsAndGarbageAreClearErrors() {
        TrackerException short8 = assertThrows(TrackerException.class,
                () -> UdpTrackerPackets.announceResult(answer(1, 5), false, 10));
        assertTrue(short8.getMessage().contains("refused"), short8.getMessage());
        assertThrows(TrackerException.class, () -> UdpTrackerPackets.announceResult(answer(1, 5, 0, 0, 0), false, 10),
                "an interval of 0 would make us announce in a loop");
        assertThrows(TrackerException.class, () -> UdpTrackerPackets.announceResult(answer(0, 5, 1, 2, 3), false, 10));
        byte[] msg = ("Requested download is not authorized\n\u0007" + "x".repeat(500)).getBytes(StandardCharsets.UTF_8);
        ByteBuffer err = ByteBuffer.allocate(8 + msg.length).putInt(3).putInt(5).put(msg).flip();
        assertEquals(3, UdpTrackerPackets.action(err));
        String text = UdpTrackerPackets.error(err);
        assertTrue(text.startsWith("Requested download is not authorized") && text.length() <= UdpTrackerPackets.MAX_MESSAGE
                && text.chars().noneMatch(Character::isISOControl), text);
        assertTrue(UdpTrackerPackets.error(answer(3, 5)).contains("no message"));
        assertEquals(-1, UdpTrackerPackets.action(ByteBuffer.allocate(7)), "shorter than a header");
    }
}
