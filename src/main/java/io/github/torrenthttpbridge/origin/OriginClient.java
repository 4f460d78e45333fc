package io.github.torrenthttpbridge.origin;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to origins over HTTP(S) with Jetty's {@link HttpClient}: probes Range support, fetches exact byte
 * ranges (strictly: {@code 206} with the matching {@code Content-Range}, pinned with {@code If-Range}), and
 * streams whole files for hashing. Content decoding is off: bytes are hashed and served exactly as stored.
 */
public final class OriginClient implements AutoCloseable {
    /** Request header marking the bridge's own requests, so a filter in front of the origin lets them through. */
    public static final String BRIDGE_HEADER = "X-Torrent-Http-Bridge";
    public static final String USER_AGENT = "torrent-http-bridge/0.1";
    private static final Logger LOG = LoggerFactory.getLogger(OriginClient.class);
    /** At most 18 digits per number: every such number fits in a {@code long}, so parsing cannot overflow. */
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");
    /** Response headers the client reads at most (Jetty's own default is no limit): a header flood fails fast. */
    static final int MAX_RESPONSE_HEADERS_BYTES = 64 * 1024;

    private final OriginClientConfig config;
    private final HttpClient http;
    private final Map<String, String> extraHeaders;
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final LongAdder deadlinesHit = new LongAdder();
    private final java.util.concurrent.ScheduledExecutorService deadlines;

    public OriginClient(OriginClientConfig config) {
        this(config, Map.of());
    }

    /** @param extraHeaders headers added to every request (e.g. a shared secret the origin's filter checks) */
    public OriginClient(OriginClientConfig config, Map<String, String> extraHeaders) {
        this.config = config;
        this.extraHeaders = Map.copyOf(extraHeaders);
        QueuedThreadPool pool = new QueuedThreadPool(64, 2);
        pool.setName("origin-http");
        pool.setDaemon(true);
        HttpClient client = new HttpClient();
        client.setExecutor(pool);
        client.setFollowRedirects(config.followRedirects());
        client.setMaxRedirects(8);
        client.setMaxConnectionsPerDestination(config.maxConnectionsPerOrigin());
        client.setMaxRequestsQueuedPerDestination(config.maxQueuedPerOrigin());
        client.setConnectTimeout(config.connectTimeout().toMillis());
        client.setIdleTimeout(config.idleTimeout().toMillis());
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, USER_AGENT));
        client.setMaxResponseHeadersSize(MAX_RESPONSE_HEADERS_BYTES);
        // no cookies kept or sent: every request is anonymous (a session cookie from a login page or oauth2-proxy
        // must never make a protected file look public); no credentials either (the authentication store is empty)
        client.setHttpCookieStore(new org.eclipse.jetty.http.HttpCookieStore.Empty());
        try {
            client.start();
            // cleared after start: starting installs the default (gzip) decoders
            client.getContentDecoderFactories().clear();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client", e);
        }
        this.http = client;
        java.util.concurrent.ScheduledThreadPoolExecutor timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "origin-deadlines");
            t.setDaemon(true);
            return t;
        });
        // a deadline whose fetch ended is cancelled: drop it at once rather than keep it queued until it would fire
        timer.setRemoveOnCancelPolicy(true);
        this.deadlines = timer;
    }

    public OriginClientConfig config() {
        return config;
    }

    /** Bytes received from origins in response bodies (including bodies of failed requests). */
    public long bytesReceived() {
        return bytesReceived.sum();
    }

    public long requestCount() {
        return requests.sum();
    }

    public long failureCount() {
        return failures.sum();
    }

    /** Range requests (probes and fetch attempts) whose future has not completed yet; 0 when the client is idle. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Range requests ended by the hard deadline because nothing else ended them in time. */
    public long deadlinesHit() {
        return deadlinesHit.sum();
    }

    /** The hard deadline of one range request: the request timeout, plus a margin for Jetty's own timeout to act. */
    java.time.Duration hardDeadline() {
        return config.requestTimeout().plus(DEADLINE_MARGIN);
    }

    private static final java.time.Duration DEADLINE_MARGIN = java.time.Duration.ofSeconds(2);

    private Request newRequest(URI url) {
        Request r = http.newRequest(url).method(HttpMethod.GET)
                .headers(h -> {
                    h.put(HttpHeader.ACCEPT_ENCODING, "identity");
                    h.put(BRIDGE_HEADER, "1");
                    extraHeaders.forEach(h::put);
                });
        return r;
    }

    /**
     * Checks that the origin serves {@code url} with byte ranges: a {@code Range: bytes=0-0} request must get
     * {@code 206} with a {@code Content-Range} giving the total length, which must equal {@code expectedLength}
     * unless that is negative. Redirects are followed (when configured) and the final URL is pinned.
     */
    public OriginResource probe(URI url, long expectedLength) {
        Exchange ex = new Exchange(url, 0, 1, expectedLength, null, true);
        try {
            byte[] ignored = ex.future.get(hardDeadline().toMillis() + 1000, TimeUnit.MILLISECONDS);
            assert ignored.length == 1;
        } catch (ExecutionException e) {
            throw classify(url, e.getCause());
        } catch (TimeoutException e) {
            throw new OriginException(url, "no answer to the range probe within " + config.requestTimeout().toSeconds() + " s", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OriginException(url, "interrupted while probing", true);
        }
        return ex.resource;
    }

    /**
     * Fetches {@code length} bytes at {@code offset} of a probed resource, retrying transient failures with
     * backoff. Completes with exactly {@code length} bytes or with an {@link OriginException}.
     */
    public CompletableFuture<byte[]> fetchRange(OriginResource resource, long offset, int length) {
        if (offset < 0 || length <= 0 || offset + length > resource.length()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "range " + offset + "+" + length + " outside a file of " + resource.length() + " bytes"));
        }
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<Exchange> current = new java.util.concurrent.atomic.AtomicReference<>();
        attempt(resource, offset, length, 1, result, current);
        result.whenComplete((b, e) -> {
            Exchange ex = current.get();
            if (result.isCancelled() && ex != null) {
                // nobody wants these bytes any more (cancelled requests): the request is aborted, no retry follows
                ex.fail(new OriginException(resource.url(), "abandoned", false));
            }
        });
        return result;
    }

    /** One attempt; retries transient failures with backoff until {@code result} is done or cancelled. */
    private void attempt(OriginResource resource, long offset, int length, int attempt, CompletableFuture<byte[]> result,
                         java.util.concurrent.atomic.AtomicReference<Exchange> current) {
        if (result.isDone()) {
            return;
        }
        Exchange ex = new Exchange(resource.url(), offset, length, resource.length(), resource, false);
        current.set(ex);
        if (result.isCancelled()) {
            ex.fail(new OriginException(resource.url(), "abandoned", false));
        }
        ex.future.whenComplete((bytes, error) -> {
            if (error == null) {
                result.complete(bytes);
                return;
            }
            if (result.isDone()) {
                return;   // abandoned
            }
            OriginException oe = classify(resource.url(), unwrap(error));
            failures.increment();
            if (!oe.isTransient() || attempt >= config.maxAttempts()) {
                result.completeExceptionally(oe);
                return;
            }
            long delay = config.retryBackoff().toMillis() << (attempt - 1);
            LOG.debug("retrying range {}+{} of {} in {} ms after: {}", offset, length, resource.url(), delay, oe.getMessage());
            CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)
                    .execute(() -> attempt(resource, offset, length, attempt + 1, result, current));
        });
    }

    /**
     * Opens a plain GET of {@code url} for streaming (hashing). The origin must answer {@code 200} with a
     * {@code Content-Length} and no content coding.
     */
    public OriginStream open(URI url) {
        InputStreamResponseListener listener = new InputStreamResponseListener();
        requests.increment();
        newRequest(url).send(listener);
        Response response;
        try {
            response = listener.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw classify(url, e.getCause());
        } catch (TimeoutException e) {
            throw new OriginException(url, "no response headers within " + config.requestTimeout().toSeconds() + " s", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OriginException(url, "interrupted", true);
        }
        InputStream body = listener.getInputStream();
        try {
            if (response.getStatus() != 200) {
                throw new OriginException(url, "answered " + response.getStatus() + " " + reason(response) + " to GET", response.getStatus() >= 500);
            }
            String encoding = response.getHeaders().get(HttpHeader.CONTENT_ENCODING);
            if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
                throw new OriginException(url, "answered with Content-Encoding '" + encoding + "'; only unencoded bodies can be hashed", false);
            }
            long length = contentLength(response);
            if (length == -2) {
                throw new OriginException(url, "sent an unusable Content-Length '"
                        + clip(response.getHeaders().get(HttpHeader.CONTENT_LENGTH)) + "'", false);
            }
            if (length < 0) {
                throw new OriginException(url, "sent no Content-Length; the file length must be known", false);
            }
            URI finalUrl = response.getRequest().getURI();
            OriginResource resource = new OriginResource(finalUrl, length,
                    response.getHeaders().get(HttpHeader.ETAG), response.getHeaders().get(HttpHeader.LAST_MODIFIED));
            return new OriginStream(new CountingStream(body), resource);
        } catch (RuntimeException e) {
            response.abort(e);
            try {
                body.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    /**
     * GETs a small resource (a pre-made {@code .torrent}): empty unless the origin answers 200 with at most
     * {@code maxBytes} of unencoded body.
     */
    public java.util.Optional<byte[]> getSmall(URI url, int maxBytes) {
        requests.increment();
        Request request = newRequest(url).timeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            org.eclipse.jetty.client.ContentResponse r =
                    new org.eclipse.jetty.client.CompletableResponseListener(request, maxBytes).send()
                            .get(config.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            bytesReceived.add(r.getContent().length);
            String encoding = r.getHeaders().get(HttpHeader.CONTENT_ENCODING);
            if (r.getStatus() != 200 || (encoding != null && !encoding.equalsIgnoreCase("identity"))) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(r.getContent());
        } catch (ExecutionException e) {
            LOG.debug("GET {} failed: {}", url, e.getCause().toString());
            return java.util.Optional.empty();
        } catch (TimeoutException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    private final class CountingStream extends InputStream {
        private final InputStream in;

        CountingStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                bytesReceived.increment();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                bytesReceived.add(n);
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static String reason(Response r) {
        return r.getReason() == null ? "" : r.getReason();
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static OriginException classify(URI url, Throwable t) {
        t = unwrap(t);
        if (t instanceof OriginException oe) {
            return oe;
        }
        if (t instanceof HttpResponseException hre) {
            String msg = hre.getMessage();
            if (msg != null && msg.toLowerCase().contains("redirect")) {
                return new OriginException(url, "redirects did not end (" + msg + ")", false, t);
            }
            return new OriginException(url, "bad HTTP response: " + msg, true, t);
        }
        if (t instanceof TimeoutException) {
            return new OriginException(url, "timed out: " + t.getMessage(), true, t);
        }
        if (t instanceof EOFException) {
            return new OriginException(url, "connection closed early", true, t);
        }
        if (t instanceof java.net.ConnectException) {
            return new OriginException(url, "connection refused: " + t.getMessage(), true, t);
        }
        if (t instanceof java.net.UnknownHostException) {
            return new OriginException(url, "unknown host " + t.getMessage(), false, t);
        }
        if (t instanceof IOException) {
            return new OriginException(url, "I/O error: " + t, true, t);
        }
        if (t instanceof IllegalArgumentException) {
            return new OriginException(url, t.getMessage(), false, t);
        }
        return new OriginException(url, "request failed: " + t, true, t);
    }

    /** One range request, validated as it arrives and copied straight into an exact-size array. */
    private final class Exchange implements Response.Listener {
        final CompletableFuture<byte[]> future = new CompletableFuture<>();
        private final URI url;
        private final long offset;
        private final int length;
        private final long expectedTotal;
        private final OriginResource pinned;
        private final boolean probing;
        private byte[] body;
        private int received;
        private volatile OriginException problem;
        volatile OriginResource resource;
        private final Request request;
        private final java.util.concurrent.ScheduledFuture<?> deadline;

        Exchange(URI url, long offset, int length, long expectedTotal, OriginResource pinned, boolean probing) {
            this.url = url;
            this.offset = offset;
            this.length = length;
            this.expectedTotal = expectedTotal;
            this.pinned = pinned;
            this.probing = probing;
            Request request = newRequest(url)
                    .timeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .headers(h -> {
                        h.put(HttpHeader.RANGE, "bytes=" + offset + "-" + (offset + length - 1));
                        if (pinned != null && pinned.ifRangeValidator() != null) {
                            h.put(HttpHeader.IF_RANGE, pinned.ifRangeValidator());
                        }
                    });
            this.request = request;
            requests.increment();
            inFlight.incrementAndGet();
            future.whenComplete((b, e) -> inFlight.decrementAndGet());
            // whatever the origin sends and whatever Jetty does with it, the future completes by this deadline
            long ms = hardDeadline().toMillis();
            java.util.concurrent.ScheduledFuture<?> d;
            try {
                d = deadlines.schedule(() -> {
                    if (!future.isDone()) {
                        deadlinesHit.increment();
                    }
                    fail(new OriginException(url, "no complete answer within " + ms + " ms (hard deadline)", true));
                }, ms, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                d = null;
                fail(new OriginException(url, "the origin client is closed", false));
            }
            this.deadline = d;
            future.whenComplete((b, e) -> {
                var dl = this.deadline;
                if (dl != null) {
                    dl.cancel(false);
                }
            });
            if (!future.isDone()) {
                try {
                    request.send(this);
                } catch (Throwable t) {
                    fail(t);
                }
            }
        }

        /** Ends the exchange with an error (first ending wins) and aborts the request if still running. */
        private void fail(Throwable t) {
            if (future.completeExceptionally(t)) {
                Request r = request;
                if (r != null) {
                    r.abort(t);
                }
            }
        }

        /**
         * An exception thrown inside a Jetty listener is only logged by Jetty: the future would never complete.
         * Every listener therefore ends the exchange itself on any exception.
         */
        private void failed(Response response, Throwable t) {
            LOG.debug("range exchange with {} failed in a listener", url, t);
            OriginException p = t instanceof OriginException oe ? oe
                    : new OriginException(url, "unusable answer: " + t, true, t);
            problem = p;
            fail(p);
            if (response != null) {
                response.abort(p);
            }
        }

        @Override
        public void onHeaders(Response response) {
            try {
                OriginException p = check(response);
                if (p != null) {
                    problem = p;
                    response.abort(p);
                    return;
                }
                body = new byte[length];
            } catch (Throwable t) {
                failed(response, t);
            }
        }

        private OriginException check(Response response) {
            int status = response.getStatus();
            String etag = response.getHeaders().get(HttpHeader.ETAG);
            String lastModified = response.getHeaders().get(HttpHeader.LAST_MODIFIED);
            if (status != 206) {
                return statusProblem(response, status, etag, lastModified);
            }
            String encoding = response.getHeaders().get(HttpHeader.CONTENT_ENCODING);
            if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
                return new OriginException(url, "answered with Content-Encoding '" + encoding + "'; ranges of encoded bodies cannot be used", false);
            }
            String contentRange = response.getHeaders().get(HttpHeader.CONTENT_RANGE);
            if (contentRange == null) {
                return new OriginException(url, "answered 206 without a Content-Range header", !probing);
            }
            Matcher m = CONTENT_RANGE.matcher(contentRange.trim());
            if (!m.matches()) {
                return new OriginException(url, "answered an unusable Content-Range '" + clip(contentRange) + "' (multipart, malformed or out of range)", false);
            }
            if (m.group(3).equals("*")) {
                return new OriginException(url, "does not say the file's total length (Content-Range '" + contentRange + "')", false);
            }
            long start = Long.parseLong(m.group(1));
            long end = Long.parseLong(m.group(2));
            long total = Long.parseLong(m.group(3));
            if (expectedTotal >= 0 && total != expectedTotal) {
                String msg = "the file is " + total + " bytes, but the torrent says " + expectedTotal;
                return pinned != null ? new OriginChangedException(url, msg) : new OriginException(url, msg, false);
            }
            if (start != offset || end != offset + length - 1) {
                return new OriginException(url, "answered range " + start + "-" + end + " for a request of "
                        + offset + "-" + (offset + length - 1), true);
            }
            long contentLength = contentLength(response);
            if (contentLength == -2) {
                return new OriginException(url, "answered an unusable Content-Length '"
                        + clip(response.getHeaders().get(HttpHeader.CONTENT_LENGTH)) + "'", true);
            }
            if (contentLength >= 0 && contentLength != length) {
                return new OriginException(url, "answered Content-Length " + contentLength + " for a range of " + length + " bytes", true);
            }
            if (pinned != null && pinned.etag() != null && etag != null && !OriginResource.sameEtag(etag, pinned.etag())) {
                return new OriginChangedException(url, "ETag changed from " + pinned.etag() + " to " + etag);
            }
            // some servers ignore If-Range (Jetty 12's DefaultServlet answers 206 whatever it says): compare the
            // validators of every answer too, so a change is caught on the first fetch after it
            if (pinned != null && pinned.lastModified() != null && lastModified != null
                    && !lastModified.equals(pinned.lastModified())) {
                return new OriginChangedException(url, "Last-Modified changed from " + pinned.lastModified() + " to " + lastModified);
            }
            if (probing) {
                resource = new OriginResource(response.getRequest().getURI(), total, etag, lastModified);
            }
            return null;
        }

        private OriginException statusProblem(Response response, int status, String etag, String lastModified) {
            String answered = "answered " + status + " " + reason(response);
            if (status == 200) {
                if (pinned != null && pinned.ifRangeValidator() != null
                        && (etag != null && (pinned.etag() == null || !OriginResource.sameEtag(etag, pinned.etag()))
                        || lastModified != null && !lastModified.equals(pinned.lastModified()))) {
                    return new OriginChangedException(url, answered + " to an If-Range request: the file changed (ETag "
                            + pinned.etag() + " -> " + etag + ", Last-Modified " + pinned.lastModified() + " -> " + lastModified + ")");
                }
                return new OriginException(url, answered + " to a Range request: the server does not serve byte ranges"
                        + " (it must answer 206 Partial Content)", !probing);
            }
            if (status == 412) {
                return new OriginChangedException(url, answered + ": the file changed");
            }
            if (status == 416) {
                return new OriginChangedException(url, answered + " (Range Not Satisfiable): the file is shorter than expected");
            }
            if (status >= 300 && status < 400) {
                String location = response.getHeaders().get(HttpHeader.LOCATION);
                // after a successful probe a redirect is an origin fault (retried, never followed to elsewhere)
                return new OriginException(url, answered + " redirect to " + location
                        + (config.followRedirects() ? "" : " (redirects are not followed)"), !probing);
            }
            // a busy or failing server says nothing about the file, probing or not: only 4xx are verdicts
            boolean transientStatus = status >= 500 || status == 429 || status == 408;
            return new OriginException(url, answered, transientStatus);
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            try {
                int n = content.remaining();
                bytesReceived.add(n);
                if (body == null || future.isDone()) {
                    return;
                }
                if (received + n > length) {
                    problem = new OriginException(url, "sent more than the " + length + " bytes requested", true);
                    response.abort(problem);
                    return;
                }
                content.get(body, received, n);
                received += n;
            } catch (Throwable t) {
                failed(response, t);
            }
        }

        @Override
        public void onComplete(Result result) {
            try {
                if (problem == null && body == null && result.getResponse() != null && result.getResponse().getStatus() > 0) {
                    problem = check(result.getResponse());
                }
                if (problem != null) {
                    future.completeExceptionally(problem);
                } else if (result.isFailed()) {
                    future.completeExceptionally(result.getFailure());
                } else if (body == null || received != length) {
                    future.completeExceptionally(new OriginException(url, "short body: got " + received + " of " + length + " bytes", true));
                } else {
                    future.complete(body);
                }
            } catch (Throwable t) {
                failed(null, t);
            }
        }
    }

    /** Content-Length: -1 when absent, -2 when not a number of at most 18 digits. */
    static long contentLength(Response response) {
        String v = response.getHeaders().get(HttpHeader.CONTENT_LENGTH);
        if (v == null) {
            return -1;
        }
        return boundedLong(v.trim());
    }

    /** A non-negative decimal of 1 to 18 digits (always fits in a long), or -2. */
    static long boundedLong(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -2;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -2;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** A header value as quoted in an error message: at most 100 characters. */
    private static String clip(String s) {
        return s == null || s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        try {
            http.stop();
        } catch (Exception e) {
            LOG.warn("error stopping the HTTP client", e);
        }
    }
}
