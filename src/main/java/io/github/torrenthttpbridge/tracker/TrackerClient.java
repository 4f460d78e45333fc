package io.github.torrenthttpbridge.tracker;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Announces to HTTP(S) trackers (BEP 3; compact peers BEP 23, {@code peers6} BEP 7) over one shared Jetty
 * {@link HttpClient}: bounded connections and queue per tracker, a hard deadline per announce, answers capped in size
 * and parsed by our bounded bencoder, redirects followed only a few times and only to the same host. UDP trackers
 * (BEP 15) through one datagram socket, opened on the first {@code udp://} announce ({@link UdpTrackerClient}).
 */
public final class TrackerClient implements AutoCloseable {
    static final String USER_AGENT = "torrent-http-bridge";

    private final TrackerClientConfig config;
    private final HttpClient http;
    private final LongAdder sent = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private UdpTrackerClient udp;
    private boolean closed;

    public TrackerClient(TrackerClientConfig config) {
        this.config = config;
        QueuedThreadPool pool = new QueuedThreadPool(8, 1);
        pool.setName("tracker-http");
        pool.setDaemon(true);
        HttpClient client = new HttpClient();
        client.setExecutor(pool);
        client.setFollowRedirects(false); // followed here, same host only
        client.setMaxConnectionsPerDestination(config.maxConnectionsPerTracker());
        client.setMaxRequestsQueuedPerDestination(config.maxQueuedPerTracker());
        client.setConnectTimeout(config.connectTimeout().toMillis());
        client.setIdleTimeout(config.requestTimeout().toMillis());
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, USER_AGENT));
        if (config.bindAddress() != null) {
            client.setBindAddress(new java.net.InetSocketAddress(config.bindAddress(), 0));
        }
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the tracker HTTP client", e);
        }
        this.http = client;
    }

    public TrackerClientConfig config() {
        return config;
    }

    /** Whether this client can announce to {@code announceUrl} (http, https and udp). */
    public static boolean supports(String announceUrl) {
        return isHttp(announceUrl) || isUdp(announceUrl);
    }

    private static boolean isHttp(String announceUrl) {
        String s = announceUrl == null ? "" : announceUrl.toLowerCase(Locale.ROOT);
        return s.startsWith("http://") || s.startsWith("https://");
    }

    private static boolean isUdp(String announceUrl) {
        return announceUrl != null && announceUrl.toLowerCase(Locale.ROOT).startsWith("udp://");
    }

    /**
     * Announces; never blocks. Completes with the tracker's answer, or exceptionally with a {@link TrackerException}
     * (the tracker's {@code failure reason}, an HTTP error, garbage, an oversized answer, a redirect elsewhere), an
     * I/O error, or a {@link TimeoutException} once {@link TrackerClientConfig#requestTimeout()} has passed.
     */
    public CompletableFuture<AnnounceResult> announce(String announceUrl, AnnounceRequest request) {
        CompletableFuture<AnnounceResult> answer;
        try {
            answer = isUdp(announceUrl) ? udp().announce(udpUri(announceUrl), request) : http(announceUrl, request);
        } catch (TrackerException | IOException e) {
            failed.increment();
            return CompletableFuture.failedFuture(e);
        }
        return answer.orTimeout(config.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> (e == null ? sent : failed).increment());
    }

    private CompletableFuture<AnnounceResult> http(String announceUrl, AnnounceRequest request) throws TrackerException {
        URI url = announceUri(announceUrl, request);
        long deadline = System.nanoTime() + config.requestTimeout().toNanos();
        return get(url, url.getHost(), 0, deadline).thenApply(body -> {
            try {
                return TrackerResponses.parse(body);
            } catch (TrackerException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    private static URI udpUri(String announceUrl) throws TrackerException {
        try {
            URI u = new URI(announceUrl);
            if (u.getHost() == null || u.getPort() < 1) {
                throw new TrackerException("UDP tracker URL needs a host and a port: " + announceUrl);
            }
            return u;
        } catch (URISyntaxException e) {
            throw new TrackerException("malformed tracker URL: " + announceUrl, e);
        }
    }

    private synchronized UdpTrackerClient udp() throws IOException {
        if (closed) {
            throw new java.nio.channels.ClosedChannelException();
        }
        if (udp == null) {
            udp = new UdpTrackerClient(config);
        }
        return udp;
    }

    private CompletableFuture<byte[]> get(URI url, String host, int hops, long deadline) {
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        // Connection: close -- trackers such as opentracker answer HTTP/1.1 without "Connection: close" and then close
        // the socket; a pooled connection reused for the next announce would fail with EOF before the request is sent.
        // Announces are minutes apart per torrent, so keep-alive buys nothing.
        Request req = http.newRequest(url).method(HttpMethod.GET).timeout(left, TimeUnit.MILLISECONDS)
                .headers(h -> h.put(HttpHeader.ACCEPT_ENCODING, "identity").put(HttpHeader.CONNECTION, "close"));
        return new CompletableResponseListener(req, config.maxResponseBytes()).send().thenCompose(r -> {
            int status = r.getStatus();
            if (status >= 300 && status < 400 && r.getHeaders().get(HttpHeader.LOCATION) != null) {
                return redirect(url, r, host, hops, deadline);
            }
            if (status != 200) {
                return CompletableFuture.failedFuture(new TrackerException("tracker answered HTTP " + status));
            }
            return CompletableFuture.completedFuture(r.getContent());
        });
    }

    private CompletableFuture<byte[]> redirect(URI from, ContentResponse r, String host, int hops, long deadline) {
        URI to;
        try {
            to = from.resolve(r.getHeaders().get(HttpHeader.LOCATION));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new TrackerException("tracker redirected to a malformed URL"));
        }
        if (hops >= config.maxRedirects()) {
            return CompletableFuture.failedFuture(new TrackerException("tracker redirected more than "
                    + config.maxRedirects() + " times"));
        }
        if (!isHttp(to.toString()) || to.getHost() == null || !to.getHost().equalsIgnoreCase(host)) {
            return CompletableFuture.failedFuture(new TrackerException("tracker redirected to another host ("
                    + to.getHost() + "); not followed"));
        }
        return get(to, host, hops + 1, deadline);
    }

    /** The announce URL with BEP 3's parameters appended (after any query the URL already has, e.g. a passkey). */
    static URI announceUri(String announceUrl, AnnounceRequest r) throws TrackerException {
        if (!isHttp(announceUrl)) {
            throw new TrackerException("not an http(s) tracker: " + announceUrl);
        }
        StringBuilder q = new StringBuilder(announceUrl.length() + 200).append(announceUrl);
        int hash = q.indexOf("#");
        if (hash >= 0) {
            q.setLength(hash);
        }
        q.append(q.indexOf("?") >= 0 ? '&' : '?');
        q.append("info_hash=");
        percent(r.infoHash().bytes(), q);
        q.append("&peer_id=");
        percent(r.peerId(), q);
        q.append("&port=").append(r.port())
                .append("&uploaded=").append(r.uploaded())
                .append("&downloaded=").append(r.downloaded())
                .append("&left=").append(r.left())
                .append("&compact=1&no_peer_id=1")
                .append("&numwant=").append(r.numwant())
                .append("&key=").append(Integer.toHexString(r.key()));
        if (r.ip() != null) {
            q.append("&ip=").append(java.net.URLEncoder.encode(r.ip(), java.nio.charset.StandardCharsets.UTF_8));
        }
        if (r.event() != AnnounceRequest.Event.NONE) {
            q.append("&event=").append(r.event().param());
        }
        try {
            URI uri = new URI(q.toString());
            if (uri.getHost() == null) {
                throw new TrackerException("tracker URL has no host: " + announceUrl);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new TrackerException("malformed tracker URL: " + announceUrl, e);
        }
    }

    private static void percent(byte[] bytes, StringBuilder out) {
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
    }

    /** Announces answered with a valid tracker response, since start. */
    public long announcesSent() {
        return sent.sum();
    }

    /** Announces that failed (refused, HTTP error, garbage, timeout, unreachable), since start. */
    public long announcesFailed() {
        return failed.sum();
    }

    /** UDP exchanges waiting for an answer (0 when idle: none is left behind by a timeout or an error). */
    synchronized int udpInFlight() {
        return udp == null ? 0 : udp.inFlight();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (udp != null) {
                udp.close();
            }
        }
        try {
            http.stop();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
