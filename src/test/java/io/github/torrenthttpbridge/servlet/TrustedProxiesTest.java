package io.github.torrenthttpbridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    static Enumeration<String> headers(String... values) {
        return Collections.enumeration(List.of(values));
    }

    @Test
    void blocksMatchTheirLeadingBitsOnly() throws Exception {
        TrustedProxies t = TrustedProxies.parse(List.of("127.0.0.1", "10.0.0.0/8", "192.168.4.0/22", "fd00::/8"));
        assertTrue(t.trusts(ip("127.0.0.1")));
        assertFalse(t.trusts(ip("127.0.0.2")));
        assertTrue(t.trusts(ip("10.200.3.4")));
        assertFalse(t.trusts(ip("11.0.0.1")));
        assertTrue(t.trusts(ip("192.168.7.255")));
        assertFalse(t.trusts(ip("192.168.8.0")));
        assertTrue(t.trusts(ip("fd12::1")));
        assertFalse(t.trusts(ip("fe80::1")));
        for (String bad : List.of("10.0.0.0/33", "example.org", "1.2.3", "::1/129", "10.0.0.0/x", "")) {
            assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of(bad)), bad);
        }
    }

    @Test
    void forwardedHeadersAreBelievedOnlyFromTrustedProxies() throws Exception {
        TrustedProxies t = TrustedProxies.parse(List.of("127.0.0.1", "10.0.0.0/8"));
        // from an untrusted peer: its own address, whatever it claims
        assertEquals(ip("203.0.113.9"), t.client(ip("203.0.113.9"), headers(), headers("198.51.100.1")));
        // through the proxy: the forwarded client; a forged left part of the chain is not believed
        assertEquals(ip("198.51.100.7"), t.client(ip("127.0.0.1"), headers(), headers("6.6.6.6, 198.51.100.7")));
        // through two trusted proxies: the nearest untrusted hop
        assertEquals(ip("198.51.100.7"), t.client(ip("127.0.0.1"), headers(), headers("198.51.100.7", "10.1.2.3")));
        // RFC 7239 wins over X-Forwarded-For, with quotes, ports and IPv6
        assertEquals(ip("2001:db8::17"), t.client(ip("127.0.0.1"),
                headers("for=\"[2001:db8::17]:4711\";proto=https, for=10.0.0.5"), headers("198.51.100.7")));
        assertEquals(ip("192.0.2.60"), t.client(ip("127.0.0.1"), headers("for=192.0.2.60:80;by=203.0.113.43"), headers()));
        // nothing forwarded, or an obfuscated hop: the last trusted address
        assertEquals(ip("127.0.0.1"), t.client(ip("127.0.0.1"), headers(), headers()));
        assertEquals(ip("10.0.0.5"), t.client(ip("127.0.0.1"), headers("for=_hidden, for=10.0.0.5"), headers()));
        assertEquals(ip("127.0.0.1"), t.client(ip("127.0.0.1"), headers(), headers("unknown")));
        // none trusted (the default): never believed
        assertEquals(ip("127.0.0.1"), TrustedProxies.none().client(ip("127.0.0.1"), headers(), headers("198.51.100.7")));
    }

    @Test
    void theSettingIsParsedAndChecked() {
        BridgeSettings s = BridgeSettings.parse(Map.of("torrent-bridge.trusted-proxies", "127.0.0.1, 10.0.0.0/8")::get,
                java.nio.file.Path.of("/tmp"));
        assertEquals(List.of("127.0.0.1", "10.0.0.0/8"), s.trustedProxies().entries());
        assertEquals(List.of(), BridgeSettings.parse(Map.<String, String>of()::get, java.nio.file.Path.of("/tmp")).trustedProxies().entries());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BridgeSettings.parse(Map.of("torrent-bridge.trusted-proxies", "10.0.0.0/40")::get, java.nio.file.Path.of("/tmp")));
        assertTrue(e.getMessage().contains("torrent-bridge.trusted-proxies"), e.getMessage());
    }

    @Test
    void announcedLoopbackLinkLocalAndUnspecifiedAddressesAreNotDialed() throws Exception {
        InetAddress wildcard = ip("0.0.0.0");
        assertFalse(AnnouncedPeers.mayDial(new InetSocketAddress(ip("127.0.0.1"), 19499), wildcard));
        assertFalse(AnnouncedPeers.mayDial(new InetSocketAddress(ip("::1"), 19499), wildcard));
        assertFalse(AnnouncedPeers.mayDial(new InetSocketAddress(ip("169.254.1.1"), 19499), wildcard));
        assertFalse(AnnouncedPeers.mayDial(new InetSocketAddress(ip("fe80::1"), 19499), wildcard));
        assertFalse(AnnouncedPeers.mayDial(new InetSocketAddress(ip("0.0.0.0"), 19499), wildcard));
        assertFalse(AnnouncedPeers.mayDial(new InetSocketAddress(ip("224.0.0.1"), 19499), wildcard));
        assertTrue(AnnouncedPeers.mayDial(new InetSocketAddress(ip("198.51.100.7"), 51413), wildcard));
        assertFalse(AnnouncedPeers.mayDial(new InetSocketAddress(ip("127.0.0.5"), 19499), ip("198.51.100.1")));
        // a bridge bound to loopback (tests, one host) may dial loopback peers, still not link-local ones
        assertTrue(AnnouncedPeers.mayDial(new InetSocketAddress(ip("127.0.0.5"), 19499), ip("127.0.0.1")));
        assertFalse(AnnouncedPeers.mayDial(new InetSocketAddress(ip("169.254.1.1"), 19499), ip("127.0.0.1")));
    }
}
