package io.github.torrenthttpbridge.servlet;

import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;

import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.site.SiteTorrents;
import jakarta.servlet.ServletContext;

/** What the listener starts for one web application and the filter uses; kept as a context attribute. */
final class BridgeContext {
    static final String ATTRIBUTE = BridgeContext.class.getName();

    final BridgeSettings settings;
    final TorrentBridge bridge;
    final SiteTorrents site;
    final AtomicReference<URI> origin;

    BridgeContext(BridgeSettings settings, TorrentBridge bridge, SiteTorrents site, AtomicReference<URI> origin) {
        this.settings = settings;
        this.bridge = bridge;
        this.site = site;
        this.origin = origin;
    }

    static BridgeContext of(ServletContext ctx) {
        return (BridgeContext) ctx.getAttribute(ATTRIBUTE);
    }
}
