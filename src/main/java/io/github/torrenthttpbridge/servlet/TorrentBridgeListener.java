package io.github.torrenthttpbridge.servlet;

import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.bridge.PortUnavailableException;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.origin.OriginClientConfig;
import io.github.torrenthttpbridge.site.DirectoryListing;
import io.github.torrenthttpbridge.site.InstanceRegistry;
import io.github.torrenthttpbridge.site.SiteOptions;
import io.github.torrenthttpbridge.site.SiteTorrents;
import io.github.torrenthttpbridge.tracker.HttpTracker;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the web application's bridge: reads and validates the {@code torrent-bridge.*} context parameters,
 * starts the bridge with the context and closes it with the context. A bad parameter, or a port that cannot be
 * bound ({@code torrent-bridge.port}, {@code torrent-bridge.dht-port}), fails the web application's start with one
 * message naming the parameter: never a half-started bridge advertising a port it does not own.
 */
public class TorrentBridgeListener implements ServletContextListener {
    private static final Logger LOG = LoggerFactory.getLogger(TorrentBridgeListener.class);
    /**
     * Context attribute an embedding application may set (a {@code Map<String, String>}) to override
     * {@code torrent-bridge.*} parameters of a web.xml it does not want to edit.
     */
    public static final String OVERRIDES = "torrent-bridge.overrides";
    /**
     * Context attribute an embedding application may set (a {@link DirectoryListing}) to list the site's directories
     * for folder torrents when they are not the web application's own resources (the proxy lists its upstream's
     * directory indexes). Without it, {@code ServletContext.getResourcePaths} lists them.
     */
    public static final String LISTING = "torrent-bridge.listing";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        if (ctx.getAttribute(BridgeContext.ATTRIBUTE) != null) {
            return;  // declared twice (web.xml and the jar's web-fragment): one bridge is enough
        }
        File temp = (File) ctx.getAttribute(ServletContext.TEMPDIR);
        Path tempDir = temp != null ? temp.toPath() : Path.of(System.getProperty("java.io.tmpdir"));
        BridgeSettings s;
        try {
            @SuppressWarnings("unchecked")
            java.util.Map<String, String> overrides = ctx.getAttribute(OVERRIDES) instanceof java.util.Map<?, ?> m
                    ? (java.util.Map<String, String>) m : java.util.Map.of();
            java.util.Map<String, String> given = new java.util.LinkedHashMap<>();
            for (String name : java.util.Collections.list(ctx.getInitParameterNames())) {
                if (name.startsWith(BridgeSettings.PREFIX)) {
                    given.put(name, ctx.getInitParameter(name));
                }
            }
            given.putAll(overrides);
            s = BridgeSettings.parse(given, tempDir, "context parameter");
        } catch (IllegalArgumentException e) {
            LOG.error("torrent-http-bridge: {}", e.getMessage());
            throw e;
        }
        if (!s.enabled()) {
            LOG.info("torrent-http-bridge is disabled (torrent-bridge.enabled=false)");
            return;
        }
        BridgeConfig.Builder config = s.bridgeConfig()
                // the site is our own origin: never follow redirects away from it
                .origin(OriginClientConfig.defaults().withFollowRedirects(false)
                        .withMaxConnectionsPerOrigin(s.limits().originConnections()));
        String where = ctx.getContextPath().isEmpty() ? "/" : ctx.getContextPath();
        TorrentBridge bridge;
        try {
            bridge = TorrentBridge.start(config.build());
        } catch (PortUnavailableException e) {
            String param = e.use() == PortUnavailableException.Use.PEERS ? "torrent-bridge.port" : "torrent-bridge.dht-port";
            String message = "torrent-http-bridge cannot start for " + where + ": " + param + "=" + e.port() + " is not available: "
                    + e.getMessage() + ". Another program or web application (in this container?) uses it: give each web "
                    + "application its own " + param + ", or set it to 0 for any free port.";
            LOG.error(message);
            throw new IllegalStateException(message, e);
        }
        AtomicReference<URI> origin = new AtomicReference<>(s.origin());
        DirectoryListing given = ctx.getAttribute(LISTING) instanceof DirectoryListing l ? l : null;
        DirectoryListing listing = given != null ? given : ctx::getResourcePaths;
        // a real file: in the listing of its directory where the site's files are elsewhere, else a resource
        java.util.function.Predicate<String> hasFile = given != null
                ? p -> listed(given, p) : p -> resource(ctx, p);
        final BridgeSettings settings = s;
        SiteTorrents site;
        SiteOptions siteOptions;
        InstanceRegistry instances;
        try {
            siteOptions = SiteOptions.builder(s.metadataDir()).minSize(s.minSize()).pieceSize(s.pieceSize())
                    .webSeed(s.webSeed()).hashJobs(s.hashJobs()).hashQueue(s.limits().hashQueue())
                    .probeTtl(Duration.ofSeconds(2)).metadataMaxBytes(s.limits().metadataMaxMiB() * 1024 * 1024)
                    .maxFolderFiles(s.maxFolderFiles()).maxFolderBytes(s.maxFolderBytes()).torrentVersion(s.torrentVersion())
                    .hashLease(s.hashLease()).build();
            site = new SiteTorrents(bridge, siteOptions, BridgeContext.address(s, origin), listing, s.pathPolicy()::allows);
        } catch (RuntimeException e) {
            bridge.close();
            LOG.error("torrent-http-bridge cannot start for {}: {}", where, e.getMessage());
            throw e;
        }
        // the other instances sharing the metadata directory find this bridge here, and its tracker lists them
        instances = new InstanceRegistry(s.metadataDir(), siteOptions.instanceId(), bridge::announcedAddress);
        bridge.doNotAnnounceTo(url -> BridgeContext.trackerUrl(settings, origin).map(url::equals).orElse(false));
        HttpTracker tracker = new HttpTracker(HttpTracker.Settings.defaults(), h -> bridge.get(h).isPresent() || site.knows(h),
                local -> BridgeContext.bridges(settings, bridge, instances, local), (h, peer) -> {
                    if (AnnouncedPeers.mayDial(peer, settings.bindAddress())) {
                        bridge.offerPeer(h, peer);
                    } else {
                        LOG.debug("not dialing {} (announced for {}): loopback, link-local or unspecified", peer, h);
                    }
                }, java.time.Clock.systemUTC());
        ctx.setAttribute(BridgeContext.ATTRIBUTE, new BridgeContext(s, bridge, site, origin, tracker, instances, listing, hasFile));
        LOG.info("torrent-http-bridge started for {}: peers on port {}, status at {}{}", where,
                bridge.torrentPort(), ctx.getContextPath(), s.statusPath());
        if (s.origin() != null) {
            restoreInBackground(site);
        }
    }

    private static boolean listed(DirectoryListing listing, String path) {
        java.util.Set<String> siblings = listing.children(path.substring(0, path.lastIndexOf('/') + 1));
        return siblings != null && siblings.contains(path);
    }

    private static boolean resource(ServletContext ctx, String path) {
        try {
            return ctx.getResource(path) != null;
        } catch (java.net.MalformedURLException e) {
            return false;
        }
    }

    static void restoreInBackground(SiteTorrents site) {
        Thread t = new Thread(() -> {
            try {
                site.restore();
            } catch (RuntimeException e) {
                LOG.warn("restoring torrents failed: {}", e.toString());
            }
        }, "torrent-bridge-restore");
        t.setDaemon(true);
        t.start();
    }

    /** The bridge running for a web application, if the listener started one. */
    public static java.util.Optional<TorrentBridge> bridgeOf(ServletContext ctx) {
        BridgeContext b = BridgeContext.of(ctx);
        return b == null ? java.util.Optional.empty() : java.util.Optional.of(b.bridge);
    }

    /** The web application's torrents (hashing jobs, failures), if the listener started a bridge. */
    public static java.util.Optional<SiteTorrents> siteOf(ServletContext ctx) {
        BridgeContext b = BridgeContext.of(ctx);
        return b == null ? java.util.Optional.empty() : java.util.Optional.of(b.site);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        BridgeContext b = BridgeContext.of(event.getServletContext());
        if (b != null) {
            event.getServletContext().removeAttribute(BridgeContext.ATTRIBUTE);
            b.instances.close();
            b.site.close();
            b.bridge.close();
            LOG.info("torrent-http-bridge stopped");
        }
    }
}
