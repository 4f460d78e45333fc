package io.github.torrenthttpbridge.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.github.torrenthttpbridge.torrent.Bencode;
import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.testing.TestClock;
import org.junit.jupiter.api.Test;

class HttpTrackerTest {
    static final InfoHash KNOWN = InfoHash.fromHex("0102030405060708090a0b0c0d0e0f1011121314");
    static final InfoHash OTHER = InfoHash.fromHex("ff02030405060708090a0b0c0d0e0f1011121314");

    static String q(InfoHash h, int port, String extra) {
        return "info_hash=" + URLEncoder.encode(new String(h.bytes(), StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1)
                + "&peer_id=-XX0001-abcdefghijkl&port=" + port + "&uploaded=0&downloaded=0&left=100&compact=1" + extra;
    }

    final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    final HttpTracker tracker = new HttpTracker(new HttpTracker.Settings(Duration.ofSeconds(60), 3, 50, 5),
            KNOWN::equals, local -> Optional.of(new InetSocketAddress(local, 6881)), clock);

    @SuppressWarnings("unchecked")
    static Map<String, Object> decode(byte[] b) {
        return (Map<String, Object>) Bencode.decode(b);
    }

    @Test
    void theBridgeIsAlwaysInThePeerListAndPeersSeeEachOther() throws Exception {
        InetAddress local = InetAddress.getByName("10.0.0.1");
        Map<String, Object> first = decode(tracker.announce(q(KNOWN, 7001, "&event=started"), InetAddress.getByName("10.0.0.5"), local));
        assertArrayEquals(new byte[] {10, 0, 0, 1, 0x1a, (byte) 0xe1}, (byte[]) first.get("peers"), "only the bridge (10.0.0.1:6881)");
        assertEquals(60L, first.get("interval"));
        Map<String, Object> second = decode(tracker.announce(q(KNOWN, 7002, ""), InetAddress.getByName("10.0.0.6"), local));
        byte[] peers = (byte[]) second.get("peers");
        assertEquals(12, peers.length, "the bridge and the first peer");
        assertEquals(2, tracker.peerCount(KNOWN), "two peers besides the bridge");
        clock.advance(Duration.ofMinutes(3));
        assertEquals(0, tracker.peerCount(KNOWN), "peers expire");
    }

    @Test
    void everyInstanceOfTheClusterIsListedFirstButNeverTheRequesterItself() throws Exception {
        InetSocketAddress a = new InetSocketAddress("10.0.0.1", 6881);
        InetSocketAddress b = new InetSocketAddress("10.0.0.2", 6881);
        InetSocketAddress c = new InetSocketAddress("10.0.0.3", 7000);
        HttpTracker cluster = new HttpTracker(new HttpTracker.Settings(Duration.ofSeconds(60), 100, 2, 50), KNOWN::equals,
                local -> java.util.List.of(a, b, c), (h, p) -> { }, clock);
        for (int i = 0; i < 5; i++) {   // leechers
            cluster.announce(q(KNOWN, 7001 + i, ""), InetAddress.getByName("10.0.1." + i), InetAddress.getByName("10.0.0.1"));
        }
        Map<String, Object> r = decode(cluster.announce(q(KNOWN, 9000, ""), InetAddress.getByName("10.0.2.1"),
                InetAddress.getByName("10.0.0.1")));
        byte[] peers = (byte[]) r.get("peers");
        assertEquals(6 * 5, peers.length, "the three bridges, then numwant=2 other peers");
        assertArrayEquals(new byte[] {10, 0, 0, 1, 0x1a, (byte) 0xe1, 10, 0, 0, 2, 0x1a, (byte) 0xe1, 10, 0, 0, 3, 0x1b, 0x58},
                java.util.Arrays.copyOf(peers, 18));
        assertEquals(3L, r.get("complete"), "three seeds");
        // a bridge announcing to another instance's tracker (e.g. through the load balancer) is not listed to itself
        Map<String, Object> self = decode(cluster.announce(q(KNOWN, 6881, "").replace("left=100", "left=0"),
                InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.1")));
        byte[] selfPeers = (byte[]) self.get("peers");
        for (int i = 0; i < selfPeers.length; i += 6) {
            assertTrue(!(selfPeers[i + 3] == 2 && selfPeers[i] == 10 && selfPeers[i + 2] == 0), "not itself");
        }
    }

    @Test
    void unknownTorrentsAndBadRequestsGetAFailureReason() throws Exception {
        InetAddress me = InetAddress.getByName("10.0.0.7");
        assertTrue(new String((byte[]) decode(tracker.announce(q(OTHER, 7001, ""), me, me)).get("failure reason")).contains("unknown torrent"));
        assertTrue(decode(tracker.announce("port=1", me, me)).containsKey("failure reason"));
        assertTrue(decode(tracker.announce(q(KNOWN, 0, ""), me, me)).containsKey("failure reason"));
    }

    @Test
    void leechersAreHandedToTheBridgeToConnectTo() throws Exception {
        java.util.List<String> dialed = new java.util.ArrayList<>();
        HttpTracker t = new HttpTracker(new HttpTracker.Settings(Duration.ofSeconds(60), 3, 50, 50), KNOWN::equals,
                local -> Optional.of(new InetSocketAddress(local, 6881)), clock,
                (h, a) -> dialed.add(h.hex() + " " + a.getAddress().getHostAddress() + ":" + a.getPort()));
        InetAddress local = InetAddress.getByName("10.0.0.1");
        t.announce(q(KNOWN, 51413, "&event=started&ip=192.0.2.9"), InetAddress.getByName("10.0.0.5"), local);
        t.announce(q(KNOWN, 7002, "").replace("left=100", "left=0"), InetAddress.getByName("10.0.0.6"), local);
        t.announce(q(KNOWN, 7003, "&event=stopped"), InetAddress.getByName("10.0.0.7"), local);
        t.announce(q(OTHER, 7004, ""), InetAddress.getByName("10.0.0.8"), local);
        assertEquals(java.util.List.of(KNOWN.hex() + " 10.0.0.5:51413"), dialed,
                "only a downloading peer of a known torrent, at the address its request came from (never ip=)");
    }

    @Test
    void announcesAreRateLimitedPerIp() throws Exception {
        InetAddress me = InetAddress.getByName("10.0.0.8");
        for (int i = 0; i < 5; i++) {
            assertTrue(decode(tracker.announce(q(KNOWN, 7000 + i, ""), me, me)).containsKey("peers"));
        }
        assertTrue(new String((byte[]) decode(tracker.announce(q(KNOWN, 7100, ""), me, me)).get("failure reason")).contains("too many"));
    }

    @Test
    void scrapeListsOnlyKnownTorrents() throws Exception {
        InetAddress me = InetAddress.getByName("10.0.0.9");
        tracker.announce(q(KNOWN, 7001, ""), me, me);
        Map<String, Object> s = decode(tracker.scrape(q(KNOWN, 1, "") + "&" + q(OTHER, 1, "")));
        @SuppressWarnings("unchecked")
        Map<String, Object> files = (Map<String, Object>) s.get("files");
        assertEquals(1, files.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> f = (Map<String, Object>) files.values().iterator().next();
        assertEquals(1L, f.get("complete"));
        assertEquals(1L, f.get("incomplete"));
    }
}
