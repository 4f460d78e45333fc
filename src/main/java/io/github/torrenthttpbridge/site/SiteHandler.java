package io.github.torrenthttpbridge.site;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import io.github.torrenthttpbridge.origin.OriginClient;

/**
 * The site's HTTP contract, free of any server API (as Jetty's core {@code Handler} is of the Servlet API): a front
 * end translates each request into a {@link SiteRequest} and calls {@link #handle}; a request it does not answer
 * goes on to the site, with the {@link Decoration} of {@link #decoration} applied to what the site answers.
 *
 * <p>Routes: the built-in tracker ({@code STATUS/announce}, {@code STATUS/scrape}), the status page
 * ({@code STATUS}), {@code F?torrent} / {@code F?magnet} ({@code GET} or {@code HEAD}; a directory {@code D?torrent}
 * is sent on to {@code D/?torrent} with a {@code 301}), and {@code F.torrent} where the site has no such file. The
 * bridge's own requests to the site (they carry {@link OriginClient#BRIDGE_HEADER}) are never touched.
 */
public final class SiteHandler {
    /** An answer that is not this class's own: the status page. */
    @FunctionalInterface
    interface Endpoint {
        void answer(SiteRequest request, SiteResponse response) throws IOException;
    }

    /** The built-in tracker: bencoded answers to an announce's and a scrape's raw query. */
    public interface Tracker {
        byte[] announce(String rawQuery, InetAddress client, InetAddress local);

        byte[] scrape(String rawQuery);
    }

    private final PathPolicy policy;
    private final SiteView torrents;
    private final String statusPath;
    private final Endpoint statusPage;
    private final Tracker tracker;               // null: no built-in tracker
    private final Predicate<String> hasFile;
    private final Predicate<String> isDirectory;
    private final long minSize;
    private final TorrentEndpoint endpoint;
    private final PageLinks pageLinks;

    private SiteHandler(Builder b) {
        policy = b.policy;
        torrents = b.torrents;
        statusPath = b.statusPath;
        statusPage = Objects.requireNonNull(b.statusPage, "statusPage");
        tracker = b.tracker;
        hasFile = b.hasFile;
        SiteRules rules = new SiteRules(torrents, policy, b.listing);
        isDirectory = rules::isDirectory;
        minSize = b.minSize;
        endpoint = new TorrentEndpoint(rules, b.maxWait);
        pageLinks = new PageLinks(rules, b.originKnown);
    }

    /** A handler for the site's torrents, its paths as {@code policy} says. */
    public static Builder builder(SiteTorrents torrents, PathPolicy policy) {
        return new Builder(torrents, policy);
    }

    static Builder builder(SiteView torrents, PathPolicy policy) {
        return new Builder(torrents, policy);
    }

    /**
     * Answers the request if it is one of the bridge's own (a torrent, a magnet, the status page, the tracker).
     *
     * @return false when the request goes on to the site (then see {@link #decoration})
     */
    public boolean handle(SiteRequest request, SiteResponse response) throws IOException {
        if (ownRequest(request)) {
            return false;
        }
        String path = request.path();
        if (tracker != null && path.equals(statusPath + "announce")) {
            tracker(response, tracker.announce(request.query(), request.client(), request.local()));
            return true;
        }
        if (tracker != null && path.equals(statusPath + "scrape")) {
            tracker(response, tracker.scrape(request.query()));
            return true;
        }
        if (path.startsWith(statusPath) || (path + "/").equals(statusPath)) {
            statusPage.answer(request, response);
            return true;
        }
        String query = request.query();
        if (("torrent".equals(query) || "magnet".equals(query)) && isGetOrHead(request)) {
            if (!path.endsWith("/") && policy.allowsDirectory(path + "/") && isDirectory.test(path + "/")) {
                // D?torrent for a directory D: its torrent is D/?torrent (relative links in it resolve below D/)
                response.status(301);
                response.header("Location", SiteLinks.encodePath(request.contextPath() + path + "/") + "?" + query);
                return true;
            }
            endpoint.answer(path, "magnet".equals(query), request, response);
            return true;
        }
        if (query == null && path.endsWith(".torrent") && isGetOrHead(request) && !hasFile.test(path)) {
            String file = path.substring(0, path.length() - ".torrent".length());
            if (policy.allows(file)) {
                endpoint.answer(file, false, request, response);
                return true;
            }
        }
        return false;
    }

    /**
     * What to add to the site's answer to a request {@link #handle} let through, or null for nothing (the response
     * need not be wrapped). Counts a byte-range request of a bridged file.
     */
    public Decoration decoration(SiteRequest request) {
        if (ownRequest(request)) {
            return null;
        }
        String path = request.path();
        String link = null;
        if (policy.allows(path) && isGetOrHead(request)) {
            if (request.header("Range") != null) {
                torrents.countWebseedRequest(path);
            }
            link = SiteLinks.linkHeader(request.contextPath(), path);
        }
        java.util.function.Function<String, String> snippets = policy.injectsInto(path)
                ? href -> pageLinks.snippet(request.contextPath(), path, href) : null;
        return link == null && snippets == null ? null : new Decoration(link, minSize, snippets);
    }

    private static boolean ownRequest(SiteRequest request) {
        return request.header(OriginClient.BRIDGE_HEADER) != null;
    }

    private static boolean isGetOrHead(SiteRequest r) {
        return "GET".equals(r.method()) || "HEAD".equals(r.method());
    }

    private static void tracker(SiteResponse response, byte[] body) throws IOException {
        response.header("Cache-Control", "no-cache");
        response.send("text/plain", body);
    }

    /** Sets up a {@link SiteHandler}; every setting has a default but the status page's. */
    public static final class Builder {
        private final SiteView torrents;
        private final PathPolicy policy;
        private String statusPath = "/torrent-bridge/";
        private Endpoint statusPage;
        private Tracker tracker;
        private Predicate<String> hasFile = path -> false;
        private DirectoryListing listing = DirectoryListing.none();
        private BooleanSupplier originKnown = () -> true;
        private Duration maxWait = Duration.ZERO;
        private long minSize;

        private Builder(SiteView torrents, PathPolicy policy) {
            this.torrents = Objects.requireNonNull(torrents, "torrents");
            this.policy = Objects.requireNonNull(policy, "policy");
        }

        /** Where the status page is (starting and ending with '/'), and what it shows. */
        public Builder statusPage(String path, StatusSource source) {
            Objects.requireNonNull(source, "source");
            return statusPage(path, (request, response) -> StatusPage.render(source, request, response));
        }

        Builder statusPage(String path, Endpoint page) {
            statusPath = Objects.requireNonNull(path, "path");
            statusPage = Objects.requireNonNull(page, "page");
            return this;
        }

        /** The built-in tracker at {@code STATUS/announce} and {@code STATUS/scrape}; null (the default) for none. */
        public Builder tracker(Tracker t) {
            tracker = t;
            return this;
        }

        /**
         * The site's files: whether it has a real file at a path ({@code F.torrent} is then that file, not ours),
         * and its directories (for folder torrents).
         */
        public Builder files(Predicate<String> hasFile, DirectoryListing listing) {
            this.hasFile = Objects.requireNonNull(hasFile, "hasFile");
            this.listing = Objects.requireNonNull(listing, "listing");
            return this;
        }

        /** Whether the origin is known yet (pages' links start preparing torrents only once it is). */
        public Builder originKnown(BooleanSupplier known) {
            originKnown = Objects.requireNonNull(known, "known");
            return this;
        }

        /** How long {@code ?torrent} waits for a torrent being hashed before answering 202 (default 0). */
        public Builder maxWait(Duration wait) {
            maxWait = Objects.requireNonNull(wait, "wait");
            return this;
        }

        /** Files smaller than this get no {@code Link} header (default 0). */
        public Builder minSize(long bytes) {
            minSize = bytes;
            return this;
        }

        public SiteHandler build() {
            return new SiteHandler(this);
        }
    }
}
