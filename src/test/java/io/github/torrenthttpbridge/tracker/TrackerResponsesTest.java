package io.github.torrenthttpbridge.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.torrenthttpbridge.torrent.Bencode;
import io.github.torrenthttpbridge.torrent.InfoHash;
import org.junit.jupiter.api.Test;

/** Parsing tracker answers and building announce URLs, without a server. */
class TrackerResponsesTest {
    static byte[] compact4(String ip, int port) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(InetAddress.getByName(ip).getAddress());
        out.write(port >> 8);
        out.write(port & 0xff);
        return out.toByteArray();
    }

    @Test
    void compactPeersPeers6IntervalsAndCounts() throws Exception {
        byte[] v6 = new byte[18];
        System.arraycopy(InetAddress.getByName("2001:db8::7").getAddress(), 0, v6, 0, 16);
        v6[16] = 0x1a;
        v6[17] = (byte) 0xe1; // 6881
        byte[] peers = new byte[12];
        System.arraycopy(compact4("203.0.113.5", 51413), 0, peers, 0, 6);
        System.arraycopy(compact4("198.51.100.9", 0), 0, peers, 6, 6); // port 0: skipped
        AnnounceResult r = TrackerResponses.parse(Bencode.encode(Map.of("interval", 1867L, "min interval", 933L,
                "complete", 3L, "incomplete", 7L, "peers", peers, "peers6", v6, "warning message", "slow down")));
        assertEquals(Duration.ofSeconds(1867), r.interval());
        assertEquals(Optional.of(Duration.ofSeconds(933)), r.minInterval());
        assertEquals(3, r.seeders());
        assertEquals(7, r.leechers());
        assertEquals(Optional.of("slow down"), r.warning());
        assertEquals(List.of(new InetSocketAddress("203.0.113.5", 51413), new InetSocketAddress("2001:db8::7", 6881)),
                r.peers());
    }

    @Test
    void dictionaryPeersTakeOnlyAddressLiterals() throws Exception {
        AnnounceResult r = TrackerResponses.parse(Bencode.encode(Map.of("interval", 60L, "peers", List.of(
                Map.of("ip", "192.0.2.1", "port", 6881L, "peer id", new byte[20]),
                Map.of("ip", "2001:db8::1", "port", 6882L),
                Map.of("ip", "tracker.example.org", "port", 6883L), // a host name: would need DNS, skipped
                Map.of("ip", "300.1.1.1", "port", 6884L),            // not an address
                Map.of("ip", "192.0.2.2", "port", 70000L)))));      // bad port
        assertEquals(List.of(new InetSocketAddress("192.0.2.1", 6881), new InetSocketAddress("2001:db8::1", 6882)),
                r.peers());
        assertEquals(Optional.empty(), r.minInterval());
        assertEquals(-1, r.seeders());
    }

    @Test
    void failureReasonAndGarbageAreErrors() {
        TrackerException e = assertThrows(TrackerException.class, () -> TrackerResponses.parse(
                Bencode.encode(Map.of("failure reason", "unregistered torrent"))));
        assertTrue(e.getMessage().contains("unregistered torrent"), e.getMessage());
        assertThrows(TrackerException.class, () -> TrackerResponses.parse("<html>oops</html>".getBytes(StandardCharsets.UTF_8)));
        assertThrows(TrackerException.class, () -> TrackerResponses.parse(Bencode.encode(List.of(1L))));
        assertThrows(TrackerException.class, () -> TrackerResponses.parse(Bencode.encode(Map.of("interval", 60L,
                "peers", new byte[7]))), "compact peers not a multiple of 6");
        assertThrows(TrackerException.class, () -> TrackerResponses.parse(Bencode.encode(Map.of("interval", "soon"))));
    }

    @Test
    void peersAreCappedPerAnswer() throws Exception {
        byte[] many = new byte[6 * (TrackerResponses.MAX_PEERS + 50)];
        for (int i = 0; i < many.length; i += 6) {
            System.arraycopy(compact4("192.0.2." + (i / 6 % 250 + 1), 1000 + i / 6), 0, many, i, 6);
        }
        assertEquals(TrackerResponses.MAX_PEERS,
                TrackerResponses.parse(Bencode.encode(Map.of("interval", 60L, "peers", many))).peers().size());
    }

    @Test
    void announceUrlCarriesBep3ParametersAfterAnExistingQuery() throws Exception {
        byte[] peerId = "-TB0100-abcdefghijkl".getBytes(StandardCharsets.US_ASCII);
        AnnounceRequest req = new AnnounceRequest(InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567"), peerId,
                6881, 1000, 0, 0, AnnounceRequest.Event.STARTED, 50, 0xbeef);
        URI u = TrackerClient.announceUri("https://t.example.org/announce?passkey=x#frag", req);
        assertEquals("t.example.org", u.getHost());
        String q = u.getRawQuery();
        assertTrue(q.startsWith("passkey=x&info_hash=%01%23Eg%89%AB%CD%EF%01%23Eg%89%AB%CD%EF%01%23Eg&peer_id=-TB0100-abcdefghijkl&port=6881"), q);
        assertTrue(q.contains("&uploaded=1000&downloaded=0&left=0&compact=1"), q);
        assertTrue(q.contains("&numwant=50&key=beef&event=started"), q);
        assertTrue(!u.toString().contains("frag"));
        assertTrue(!TrackerClient.announceUri("http://t.example.org/a", req.withEvent(AnnounceRequest.Event.NONE))
                .getRawQuery().contains("event="));
        assertTrue(TrackerClient.announceUri("http://t.example.org/a", req.withEvent(AnnounceRequest.Event.STOPPED))
                .getRawQuery().contains("numwant=0"));
        assertThrows(TrackerException.class, () -> TrackerClient.announceUri("udp://t.example.org:6969", req));
        assertThrows(TrackerException.class, () -> TrackerClient.announceUri("http://", req));
        assertThrows(IllegalArgumentException.class, () -> new AnnounceRequest(req.infoHash(), new byte[19], 6881, 0, 0,
                0, AnnounceRequest.Event.NONE, 50, 1));
    }

    @Test
    void theAnnounceAddressHostIsSentAsIpAndKeptAcrossEvents() throws Exception {
        byte[] peerId = "-TB0100-abcdefghijkl".getBytes(StandardCharsets.US_ASCII);
        AnnounceRequest req = new AnnounceRequest(InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567"), peerId,
                51413, 0, 0, 0, AnnounceRequest.Event.STARTED, 50, 7, "seed2.example.org");
        String q = TrackerClient.announceUri("http://t.example.org/announce", req).getRawQuery();
        assertTrue(q.contains("&port=51413&") && q.endsWith("&ip=seed2.example.org&event=started"), q);
        assertTrue(TrackerClient.announceUri("http://t.example.org/a", req.withEvent(AnnounceRequest.Event.STOPPED))
                .getRawQuery().contains("&ip=seed2.example.org"));
        String v6 = TrackerClient.announceUri("http://t.example.org/a", new AnnounceRequest(req.infoHash(), peerId, 1, 0, 0,
                0, AnnounceRequest.Event.NONE, 50, 7, "2001:db8::1")).getRawQuery();
        assertTrue(v6.endsWith("&ip=2001%3Adb8%3A%3A1"), v6);
        assertTrue(!TrackerClient.announceUri("http://t.example.org/a", new AnnounceRequest(req.infoHash(), peerId, 1, 0, 0,
                0, AnnounceRequest.Event.NONE, 50, 7)).getRawQuery().contains("ip="));
        assertThrows(IllegalArgumentException.class, () -> new AnnounceRequest(req.infoHash(), peerId, 1, 0, 0, 0,
                AnnounceRequest.Event.NONE, 50, 7, "a&b=c"));
    }
}
