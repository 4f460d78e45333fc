package io.github.torrenthttpbridge.servlet;

import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;

import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.site.SiteTorrents;
import io.github.torrenthttpbridge.tracker.HttpTracker;
import jakarta.servlet.ServletContext;

/** What the listener starts for one web application and the filter uses; kept as a context attribute. */
final class BridgeContext {
    static final String ATTRIBUTE = BridgeContext.class.getName();

    final BridgeSettings settings;
    final TorrentBridge bridge;
    final SiteTorrents site;
    final AtomicReference<URI> origin;
    final HttpTracker tracker;

    BridgeContext(BridgeSettings settings, TorrentBridge bridge, SiteTorrents site, AtomicReference<URI> origin,
                  HttpTracker tracker) {
        this.settings = settings;
        this.bridge = bridge;
        this.site = site;
        this.origin = origin;
        this.tracker = tracker;
    }

    /** The built-in tracker's announce URL, once the site's public URL is known. */
    static java.util.Optional<String> trackerUrl(BridgeSettings s, AtomicReference<URI> origin) {
        if (!s.tracker()) {
            return java.util.Optional.empty();
        }
        URI base = s.publicUrl() != null ? s.publicUrl() : origin.get();
        return base == null ? java.util.Optional.empty() : java.util.Optional.of(base + s.statusPath() + "announce");
    }

    static BridgeContext of(ServletContext ctx) {
        return (BridgeContext) ctx.getAttribute(ATTRIBUTE);
    }
}
