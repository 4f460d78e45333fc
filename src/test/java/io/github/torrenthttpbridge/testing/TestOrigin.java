package io.github.torrenthttpbridge.testing;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A real Jetty server on 127.0.0.1 serving one in-memory file at {@code /files/NAME} with byte ranges,
 * ETag and If-Range, plus switchable misbehaviour for tests. Counts every request it answers.
 */
public final class TestOrigin implements AutoCloseable {
    /** How the origin answers. */
    public enum Mode { NORMAL, IGNORE_RANGES, NOT_FOUND, REDIRECT_LOOP, GZIP, SERVER_ERROR }

    /** One-off misbehaviours for range requests, injected on cue. */
    public enum Fault {
        STATUS_500, RESET_MID_BODY, STALL, SLOW, FULL_BODY_200, SHORT_BODY, REDIRECT_AWAY,
        /** {@code 206} with {@code Content-Range: bytes 0-0/99999999999999999999999} (overflows a long). */
        CONTENT_RANGE_OVERFLOW,
        /** {@code 206} whose headers go on for {@link #FLOOD_HEADER_BYTES} (thousands of header lines). */
        HEADER_FLOOD
    }

    /** Bytes of headers a {@link Fault#HEADER_FLOOD} answer carries. */
    public static final int FLOOD_HEADER_BYTES = 2 * 1024 * 1024;

    private final java.util.function.IntFunction<Fault> noFaults = n -> null;
    private volatile java.util.function.IntFunction<Fault> faults = noFaults;
    private final AtomicInteger rangeSeen = new AtomicInteger();
    private final java.util.Map<Fault, AtomicInteger> injected = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long stallMillis = 3000;

    /** Decides, for the n-th range request (0-based), which fault to inject (null: none). */
    public void faults(java.util.function.IntFunction<Fault> plan, long stallMillis) {
        this.stallMillis = stallMillis;
        this.faults = plan;
    }

    public java.util.Map<Fault, AtomicInteger> injected() {
        return injected;
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    private final Server server;
    private final String name;
    private volatile byte[] data;
    private volatile int version = 1;
    private volatile Mode mode = Mode.NORMAL;
    private final AtomicInteger rangeRequests = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong rangeBytes = new java.util.concurrent.atomic.AtomicLong();
    private final List<String> ranges = new CopyOnWriteArrayList<>();

    public TestOrigin(String name, byte[] data) throws Exception {
        this.name = name;
        this.data = data;
        server = new Server();
        org.eclipse.jetty.server.HttpConfiguration http = new org.eclipse.jetty.server.HttpConfiguration();
        http.setResponseHeaderSize(FLOOD_HEADER_BYTES + 64 * 1024); // room for the header flood
        http.setOutputBufferSize(FLOOD_HEADER_BYTES + 64 * 1024);
        ServerConnector connector = new ServerConnector(server, new org.eclipse.jetty.server.HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                return serve(request, response, callback);
            }
        });
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/files/" + name);
    }

    public void mode(Mode m) {
        this.mode = m;
    }

    /** Replaces the file (a new ETag). */
    public void replace(byte[] newData) {
        this.data = newData;
        this.version++;
    }

    public int rangeRequests() {
        return rangeRequests.get();
    }

    public int requests() {
        return requests.get();
    }

    /** Body bytes sent in answer to range requests (206 answers served in full). */
    public long rangeBytes() {
        return rangeBytes.get();
    }

    public List<String> ranges() {
        return ranges;
    }

    private String etag() {
        return "\"v" + version + "\"";
    }

    private boolean serve(Request request, Response response, Callback callback) {
        requests.incrementAndGet();
        String path = Request.getPathInContext(request);
        Mode m = mode;
        if (m == Mode.REDIRECT_LOOP) {
            response.setStatus(302);
            response.getHeaders().put(HttpHeader.LOCATION, path);
            callback.succeeded();
            return true;
        }
        if (m == Mode.NOT_FOUND || !path.equals("/files/" + name)) {
            Response.writeError(request, response, callback, 404);
            return true;
        }
        if (m == Mode.SERVER_ERROR) {
            Response.writeError(request, response, callback, 503);
            return true;
        }
        byte[] d = data;
        response.getHeaders().put(HttpHeader.ETAG, etag());
        response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        if (m == Mode.GZIP) {
            response.getHeaders().put(HttpHeader.CONTENT_ENCODING, "gzip");
        }
        String range = request.getHeaders().get(HttpHeader.RANGE);
        String ifRange = request.getHeaders().get(HttpHeader.IF_RANGE);
        boolean honour = range != null && m != Mode.IGNORE_RANGES && (ifRange == null || ifRange.equals(etag()));
        if (honour) {
            Matcher mt = RANGE.matcher(range);
            if (!mt.matches()) {
                Response.writeError(request, response, callback, 416);
                return true;
            }
            long start = Long.parseLong(mt.group(1));
            long end = Math.min(Long.parseLong(mt.group(2)), d.length - 1L);
            if (start >= d.length || end < start) {
                response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes */" + d.length);
                Response.writeError(request, response, callback, 416);
                return true;
            }
            Fault fault = faults.apply(rangeSeen.getAndIncrement());
            int len = (int) (end - start + 1);
            if (fault != null) {
                injected.computeIfAbsent(fault, f -> new AtomicInteger()).incrementAndGet();
                if (inject(fault, request, response, callback, d, start, len)) {
                    return true;
                }
            }
            rangeRequests.incrementAndGet();
            rangeBytes.addAndGet(len);
            ranges.add(start + "-" + end);
            response.setStatus(206);
            response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + d.length);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, len);
            response.write(true, ByteBuffer.wrap(d, (int) start, len), callback);
            return true;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, d.length);
        response.write(true, ByteBuffer.wrap(d), callback);
        return true;
    }

    /** Misbehaves; returns false when the request should then be answered normally (SLOW). */
    private boolean inject(Fault fault, Request request, Response response, Callback callback, byte[] d, long start, int len) {
        switch (fault) {
            case STATUS_500 -> Response.writeError(request, response, callback, 500);
            case RESET_MID_BODY, SHORT_BODY -> {
                response.setStatus(206);
                response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes " + start + "-" + (start + len - 1) + "/" + d.length);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, len);
                response.write(false, ByteBuffer.wrap(d, (int) start, Math.max(1, len / 3)), Callback.from(
                        () -> callback.failed(new java.io.IOException("injected: connection dropped mid-body")), callback::failed));
            }
            case STALL -> {
                try {
                    Thread.sleep(stallMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                callback.failed(new java.io.IOException("injected: stalled"));
            }
            case SLOW -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return false;
            }
            case FULL_BODY_200 -> {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, d.length);
                response.write(true, ByteBuffer.wrap(d), callback);
            }
            case CONTENT_RANGE_OVERFLOW -> {
                response.setStatus(206);
                response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes 0-0/99999999999999999999999");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 1);
                response.write(true, ByteBuffer.wrap(d, 0, 1), callback);
            }
            case HEADER_FLOOD -> {
                response.setStatus(206);
                String filler = "x".repeat(200);
                for (int i = 0; i < FLOOD_HEADER_BYTES / 220; i++) {
                    response.getHeaders().add("X-Flood-" + i, filler);
                }
                response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes " + start + "-" + (start + len - 1) + "/" + d.length);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, len);
                response.write(true, ByteBuffer.wrap(d, (int) start, len), callback);
            }
            case REDIRECT_AWAY -> {
                response.setStatus(302);
                response.getHeaders().put(HttpHeader.LOCATION, "http://169.254.169.254/latest/meta-data/");
                callback.succeeded();
            }
        }
        return true;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
