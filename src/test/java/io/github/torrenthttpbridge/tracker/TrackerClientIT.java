package io.github.torrenthttpbridge.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.torrenthttpbridge.torrent.InfoHash;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TrackerClient} against our own built-in {@link HttpTracker}, served by a small embedded Jetty on 127.0.0.1,
 * plus the ways a tracker can misbehave: redirects (same host followed, another host not), an oversized answer, an
 * HTTP error, and one that never answers (the hard deadline).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TrackerClientIT {
    static final InfoHash KNOWN = InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567");
    static final InetSocketAddress BRIDGE = new InetSocketAddress("192.0.2.10", 6881);
    static final byte[] PEER_ID = "-TB0100-000000000001".getBytes(StandardCharsets.US_ASCII);

    final HttpTracker tracker = new HttpTracker(HttpTracker.Settings.defaults(), KNOWN::equals,
            local -> Optional.of(BRIDGE), Clock.systemUTC());
    Server server;
    int port;
    TrackerClient client;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = Request.getPathInContext(request);
                switch (path) {
                    case "/announce" -> {
                        InetSocketAddress remote = (InetSocketAddress) request.getConnectionMetaData().getRemoteSocketAddress();
                        InetSocketAddress local = (InetSocketAddress) request.getConnectionMetaData().getLocalSocketAddress();
                        byte[] body = tracker.announce(request.getHttpURI().getQuery(), remote.getAddress(), local.getAddress());
                        response.write(true, ByteBuffer.wrap(body), callback);
                    }
                    case "/moved" -> redirect(response, callback, "/announce?" + request.getHttpURI().getQuery());
                    case "/elsewhere" -> redirect(response, callback, "http://localhost:" + port + "/announce?"
                            + request.getHttpURI().getQuery());
                    case "/loop" -> redirect(response, callback, "/loop");
                    case "/big" -> response.write(true, ByteBuffer.wrap(new byte[300 * 1024]), callback);
                    case "/error" -> {
                        response.setStatus(503);
                        callback.succeeded();
                    }
                    case "/stall" -> { } // never answers
                    default -> {
                        response.setStatus(404);
                        callback.succeeded();
                    }
                }
                return true;
            }
        });
        server.start();
        port = c.getLocalPort();
        client = new TrackerClient(TrackerClientConfig.builder().connectTimeout(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(2)).build());
    }

    static void redirect(Response response, Callback callback, String location) {
        response.setStatus(302);
        response.getHeaders().put(HttpHeader.LOCATION, location);
        callback.succeeded();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        server.stop();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    static AnnounceRequest request(InfoHash h, int port) {
        return new AnnounceRequest(h, PEER_ID, port, 0, 0, 0, AnnounceRequest.Event.STARTED, 50, 7);
    }

    Throwable failure(String path, InfoHash h) throws Exception {
        try {
            client.announce(url(path), request(h, 6000)).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError(path + " did not fail");
    }

    @Test
    void announcesToOurTrackerAndLearnsPeers() throws Exception {
        AnnounceResult first = client.announce(url("/announce"), request(KNOWN, 6001)).get(10, TimeUnit.SECONDS);
        assertEquals(Duration.ofMinutes(2), first.interval());
        assertTrue(first.peers().contains(BRIDGE), "the built-in tracker always lists the bridge: " + first.peers());
        // a second peer (another port on this address) now learns the first one
        AnnounceResult second = client.announce(url("/moved"), request(KNOWN, 6002)).get(10, TimeUnit.SECONDS);
        assertTrue(second.peers().contains(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 6001)),
                "the first announce is listed (via a same-host redirect): " + second.peers());
        assertEquals(2, client.announcesSent());
    }

    @Test
    void refusalsAndMisbehavingTrackersFailCleanly() throws Exception {
        Throwable unknown = failure("/announce", InfoHash.fromHex("ffffffffffffffffffffffffffffffffffffffff"));
        assertInstanceOf(TrackerException.class, unknown);
        assertTrue(unknown.getMessage().contains("unknown torrent"), unknown.getMessage());
        assertTrue(failure("/elsewhere", KNOWN).getMessage().contains("another host"));
        assertTrue(failure("/loop", KNOWN).getMessage().contains("redirected more than"));
        assertTrue(failure("/error", KNOWN).getMessage().contains("503"));
        Throwable big = failure("/big", KNOWN);
        assertTrue(big.getMessage().contains("exceeded") || big.getMessage().contains("max"), big.toString());
        long t0 = System.nanoTime();
        Throwable stall = failure("/stall", KNOWN);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(stall instanceof TimeoutException || stall.toString().contains("imeout"), stall.toString());
        assertTrue(ms >= 1500 && ms < 8000, "the 2 s deadline held: " + ms + " ms");
        assertEquals(6, client.announcesFailed());
        assertEquals(0, client.announcesSent());
    }
}
