package io.github.torrenthttpbridge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class AdmissionTest {
    static final InetAddress A = address("192.0.2.1");
    static final InetAddress B = address("192.0.2.2");

    static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void connectionsPerAddressAreBoundedIncomingAndOutgoingTogether() {
        Admission ad = new Admission(PeerBudgets.builder().maxPeersPerIp(2).build());
        assertNull(ad.openIncoming(A));
        assertTrue(ad.openOutgoing(A));
        assertEquals(Admission.PER_IP, ad.openIncoming(A), "a third connection from A");
        assertTrue(!ad.openOutgoing(A), "nor do we dial A a third time");
        assertNull(ad.openIncoming(B), "other addresses are not affected");
        ad.closed(A, true);
        assertNull(ad.openIncoming(A), "a closed connection frees its place");
        assertEquals(2, ad.connectionsFrom(A));
    }

    @Test
    void handshakingConnectionsAreBoundedPerAddressAndInAll() {
        Admission ad = new Admission(PeerBudgets.builder().maxHandshakes(3).maxHandshakesPerIp(2).build());
        assertNull(ad.openIncoming(A));
        assertNull(ad.openIncoming(A));
        assertEquals(Admission.HANDSHAKES_PER_IP, ad.openIncoming(A), "two handshakes from A at once");
        assertNull(ad.openIncoming(B));
        assertEquals(Admission.HANDSHAKES, ad.openIncoming(address("192.0.2.3")), "three handshakes in all");
        ad.handshakeDone(A);
        assertEquals(2, ad.handshaking());
        assertNull(ad.openIncoming(A), "a finished handshake frees a handshake place, the connection stays counted");
        assertEquals(3, ad.connectionsFrom(A));
        ad.closed(A, false);
        ad.closed(A, true);
        ad.closed(A, true);
        ad.closed(B, true);
        assertEquals(0, ad.handshaking(), "nothing left counted");
        assertEquals(0, ad.connectionsFrom(A));
    }

    @Test
    void keyExchangesAreRateLimitedPerAddressAndInAll() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        Admission ad = new Admission(PeerBudgets.builder().encryptedHandshakesPerSecond(10).maxHandshakesPerIp(4).build(),
                now::get);
        for (int i = 0; i < 4; i++) {
            assertNull(ad.keyExchange(A));
        }
        assertEquals(Admission.KEY_EXCHANGES, ad.keyExchange(A), "A's burst of 4 is used up");
        for (int i = 0; i < 6; i++) {
            assertNull(ad.keyExchange(address("198.51.100." + i)));
        }
        assertEquals(Admission.KEY_EXCHANGES, ad.keyExchange(B), "10 in all within the second");
        now.addAndGet(1_000_000_000L);
        assertNull(ad.keyExchange(A), "a second later there is room again");
    }

    /** In the unit lane's 256 MiB heap: strangers by the hundred thousand leave two bounded maps behind. */
    @Test
    void aFloodOfAddressesLeavesBoundedStateBehind() throws Exception {
        Admission ad = new Admission(PeerBudgets.defaults());
        OriginLedger ledger = new OriginLedger();
        for (int i = 0; i < 200_000; i++) {
            InetAddress a = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
            ad.keyExchange(a);
            assertNull(ad.openIncoming(a));
            ad.closed(a, true);
            ledger.account(a).caused(1 << 20);
        }
        assertEquals(Admission.MAX_RATED_ADDRESSES, ad.ratedAddresses(), "key-exchange rates: the newest addresses only");
        assertEquals(0, ad.addresses(), "connection counts go with their connections");
        assertEquals(0, ad.handshaking());
        assertEquals(OriginLedger.MAX_ADDRESSES, ledger.size(), "origin accounts: the most recently used addresses only");
    }
}
