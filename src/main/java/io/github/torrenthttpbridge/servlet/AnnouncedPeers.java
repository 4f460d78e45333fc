package io.github.torrenthttpbridge.servlet;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Which addresses learnt from announces the bridge may dial: never loopback, link-local or unspecified ones
 * (anyone could otherwise make the site knock on its own ports, or its neighbours' on the local link), unless the
 * bridge is itself bound to an address of that kind (a test or a single-host set-up, all on loopback).
 */
final class AnnouncedPeers {
    private AnnouncedPeers() {
    }

    static boolean mayDial(InetSocketAddress peer, InetAddress bind) {
        InetAddress a = peer.getAddress();
        if (a == null || peer.getPort() <= 0) {
            return false;
        }
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return false;
        }
        if (a.isLoopbackAddress()) {
            return bind != null && bind.isLoopbackAddress();
        }
        if (a.isLinkLocalAddress()) {
            return bind != null && bind.isLinkLocalAddress();
        }
        return true;
    }
}
