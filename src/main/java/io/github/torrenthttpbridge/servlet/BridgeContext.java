package io.github.torrenthttpbridge.servlet;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.site.DirectoryListing;
import io.github.torrenthttpbridge.site.InstanceRegistry;
import io.github.torrenthttpbridge.site.SiteAddress;
import io.github.torrenthttpbridge.site.SiteHandler;
import io.github.torrenthttpbridge.site.SiteTorrents;
import io.github.torrenthttpbridge.site.StatusSource;
import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.tracker.HttpTracker;
import jakarta.servlet.ServletContext;

/**
 * What the listener starts for one web application and the filter uses, kept as a context attribute: the bridge,
 * the site's torrents and the {@link SiteHandler} over them, and what its status page shows.
 */
final class BridgeContext implements StatusSource {
    static final String ATTRIBUTE = BridgeContext.class.getName();

    final BridgeSettings settings;
    final TorrentBridge bridge;
    final SiteTorrents site;
    final AtomicReference<URI> origin;
    final HttpTracker tracker;
    final InstanceRegistry instances;
    /** The site's HTTP contract, which the filter translates to and from the servlet API. */
    final SiteHandler handler;
    private volatile Totals totals;

    private record Totals(long takenAt, io.github.torrenthttpbridge.bridge.SeedStats stats) {
    }

    BridgeContext(BridgeSettings settings, TorrentBridge bridge, SiteTorrents site, AtomicReference<URI> origin,
                  HttpTracker tracker, InstanceRegistry instances, DirectoryListing listing,
                  java.util.function.Predicate<String> hasFile) {
        this.settings = settings;
        this.bridge = bridge;
        this.site = site;
        this.origin = origin;
        this.tracker = tracker;
        this.instances = instances;
        this.handler = SiteHandler.builder(site, settings.pathPolicy())
                .statusPage(settings.statusPath(), this)
                .tracker(settings.tracker() ? new SiteHandler.Tracker() {
                    @Override
                    public byte[] announce(String rawQuery, InetAddress client, InetAddress local) {
                        return tracker.announce(rawQuery, client, local);
                    }

                    @Override
                    public byte[] scrape(String rawQuery) {
                        return tracker.scrape(rawQuery);
                    }
                } : null)
                .files(hasFile, listing)
                .originKnown(() -> origin.get() != null)
                .maxWait(settings.maxWait())
                .minSize(settings.minSize())
                .build();
    }

    /**
     * The bridge's transfer figures added up ({@link TorrentBridge#totals()}, one pass over the seeded torrents'
     * counters), taken at most once a second however often the status page is asked for.
     */
    @Override
    public io.github.torrenthttpbridge.bridge.SeedStats totals() {
        Totals t = totals;
        long now = System.nanoTime();
        if (t == null || now - t.takenAt() >= 1_000_000_000L) {
            t = new Totals(now, bridge.totals());
            totals = t;
        }
        return t.stats();
    }

    @Override
    public SiteTorrents torrents() {
        return site;
    }

    @Override
    public TorrentBridge bridge() {
        return bridge;
    }

    @Override
    public boolean dht() {
        return settings.dht();
    }

    @Override
    public URI origin() {
        return origin.get();
    }

    @Override
    public int instances() {
        return instances.live().size();
    }

    @Override
    public int trackerPeers(InfoHash torrent) {
        return tracker.peerCount(torrent);
    }

    @Override
    public long trackerPeers() {
        return tracker.peerCountAll();
    }

    /**
     * The bridges the built-in tracker lists first: this one (at its announce address, else its bind address, else
     * the address the tracker request arrived on) and every other live instance sharing the metadata directory.
     */
    static List<InetSocketAddress> bridges(BridgeSettings s, TorrentBridge bridge, InstanceRegistry instances, InetAddress local) {
        List<InetSocketAddress> out = new ArrayList<>();
        Optional<InetSocketAddress> self = bridge.announcedAddress().map(a -> a.isUnresolved() ? resolve(a) : a)
                .filter(a -> !a.isUnresolved())
                .or(() -> local == null ? Optional.empty() : Optional.of(new InetSocketAddress(local, bridge.torrentPort())));
        self.ifPresent(out::add);
        for (InetSocketAddress a : instances.live()) {
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    private static InetSocketAddress resolve(InetSocketAddress unresolved) {
        return new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
    }

    /** The built-in tracker's announce URL, once the site's public URL is known. */
    static Optional<String> trackerUrl(BridgeSettings s, AtomicReference<URI> origin) {
        if (!s.tracker()) {
            return Optional.empty();
        }
        URI base = s.publicUrl() != null ? s.publicUrl() : origin.get();
        return base == null ? Optional.empty() : Optional.of(base + s.statusPath() + "announce");
    }

    /**
     * The site's address as the configuration says now: the origin (configured or learned from the first
     * request), the public URL (configured, else the origin), the built-in tracker then the configured ones.
     */
    static SiteAddress address(BridgeSettings s, AtomicReference<URI> origin) {
        return new SiteAddress() {
            @Override
            public URI origin() {
                URI u = origin.get();
                if (u == null) {
                    throw new IllegalStateException("the origin URL is not known yet");
                }
                return u;
            }

            @Override
            public URI publicUrl() {
                return s.publicUrl() != null ? s.publicUrl() : origin();
            }

            @Override
            public List<String> trackers() {
                List<String> all = new ArrayList<>();
                trackerUrl(s, origin).ifPresent(all::add);
                all.addAll(s.trackers());
                return all;
            }
        };
    }

    static BridgeContext of(ServletContext ctx) {
        return (BridgeContext) ctx.getAttribute(ATTRIBUTE);
    }
}
