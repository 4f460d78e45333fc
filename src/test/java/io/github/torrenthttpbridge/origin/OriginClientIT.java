package io.github.torrenthttpbridge.origin;

import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletionException;

import io.github.torrenthttpbridge.testing.TestOrigin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Probing and range fetching against a real Jetty origin that misbehaves on cue. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OriginClientIT {
    static final byte[] DATA = new byte[200_000];
    static TestOrigin origin;
    static OriginClient client;

    @BeforeAll
    static void start() throws Exception {
        new Random(7).nextBytes(DATA);
        origin = new TestOrigin("data.bin", DATA);
        client = new OriginClient(OriginClientConfig.defaults().withRetries(2, Duration.ofMillis(10)));
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        origin.close();
    }

    @BeforeEach
    void reset() {
        origin.mode(TestOrigin.Mode.NORMAL);
    }

    private String probeError(long expected) {
        return assertThrows(OriginException.class, () -> client.probe(origin.url(), expected)).getMessage();
    }

    @Test
    void probeReturnsLengthAndValidators() {
        OriginResource r = client.probe(origin.url(), DATA.length);
        assertEquals(DATA.length, r.length());
        assertTrue(r.etag().startsWith("\"v"));
        assertEquals(r.etag(), r.ifRangeValidator());
    }

    @Test
    void originWithoutRangesIsRefusedClearly() {
        origin.mode(TestOrigin.Mode.IGNORE_RANGES);
        String msg = probeError(DATA.length);
        assertTrue(msg.contains(origin.url().toString()), msg);
        assertTrue(msg.contains("answered 200") && msg.contains("does not serve byte ranges"), msg);
    }

    @Test
    void wrongLengthIsRefused() {
        String msg = probeError(DATA.length + 1);
        assertTrue(msg.contains("the file is " + DATA.length + " bytes, but the torrent says " + (DATA.length + 1)), msg);
    }

    @Test
    void notFoundIsRefused() {
        origin.mode(TestOrigin.Mode.NOT_FOUND);
        assertTrue(probeError(DATA.length).contains("answered 404"));
    }

    @Test
    void redirectLoopIsRefused() {
        origin.mode(TestOrigin.Mode.REDIRECT_LOOP);
        String msg = probeError(DATA.length);
        assertTrue(msg.contains("redirect"), msg);
    }

    @Test
    void encodedBodiesAreRefused() {
        origin.mode(TestOrigin.Mode.GZIP);
        String msg = probeError(DATA.length);
        assertTrue(msg.contains("Content-Encoding 'gzip'"), msg);
    }

    @Test
    void connectionRefusedIsReported() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        URI dead = URI.create("http://127.0.0.1:" + port + "/x");
        var e = assertThrows(OriginException.class, () -> client.probe(dead, 10));
        assertTrue(e.getMessage().startsWith(dead.toString()), e.getMessage());
    }

    @Test
    void fetchesExactRanges() {
        OriginResource r = client.probe(origin.url(), DATA.length);
        byte[] got = client.fetchRange(r, 1000, 50_000).join();
        assertArrayEquals(Arrays.copyOfRange(DATA, 1000, 51_000), got);
        byte[] tail = client.fetchRange(r, DATA.length - 10, 10).join();
        assertArrayEquals(Arrays.copyOfRange(DATA, DATA.length - 10, DATA.length), tail);
    }

    @Test
    void aFullBodyInsteadOfARangeIsNeverAccepted() {
        OriginResource r = client.probe(origin.url(), DATA.length);
        origin.mode(TestOrigin.Mode.IGNORE_RANGES);
        var e = assertThrows(CompletionException.class, () -> client.fetchRange(r, 0, 1000).join());
        assertInstanceOf(OriginException.class, e.getCause());
    }

    @Test
    void changedFileIsDetectedThroughIfRange() throws Exception {
        try (TestOrigin o = new TestOrigin("c.bin", DATA.clone())) {
            OriginResource r = client.probe(o.url(), DATA.length);
            byte[] changed = DATA.clone();
            changed[5] ^= 1;
            o.replace(changed);
            var e = assertThrows(CompletionException.class, () -> client.fetchRange(r, 0, 1000).join());
            OriginException oe = assertInstanceOf(OriginChangedException.class, e.getCause());
            assertFalse(oe.isTransient());
            assertTrue(oe.getMessage().contains("changed"), oe.getMessage());
        }
    }

    @Test
    void serverErrorsAreRetriedThenReported() {
        OriginResource r = client.probe(origin.url(), DATA.length);
        origin.mode(TestOrigin.Mode.SERVER_ERROR);
        int before = origin.requests();
        var e = assertThrows(CompletionException.class, () -> client.fetchRange(r, 0, 1000).join());
        assertTrue(e.getCause().getMessage().contains("503"), e.getCause().getMessage());
        assertEquals(2, origin.requests() - before, "two attempts");
    }

    /** Faults that used to leave a fetch pending for good end in a clean error, and no request stays in flight. */
    @Test
    void overflowingContentRangeAndHeaderFloodEndCleanly() throws Exception {
        OriginResource r = client.probe(origin.url(), DATA.length);
        for (TestOrigin.Fault fault : new TestOrigin.Fault[] {TestOrigin.Fault.CONTENT_RANGE_OVERFLOW, TestOrigin.Fault.HEADER_FLOOD}) {
            origin.faults(n -> fault, 0);
            try {
                long t0 = System.nanoTime();
                CompletionException e = assertThrows(CompletionException.class,
                        () -> client.fetchRange(r, 1000, 5000).orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join(),
                        fault + " must fail");
                assertInstanceOf(OriginException.class, e.getCause(), fault + ": " + e.getCause());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < client.hardDeadline().toMillis() * 2, fault + " took " + ms + " ms");
                if (fault == TestOrigin.Fault.CONTENT_RANGE_OVERFLOW) {
                    assertTrue(e.getCause().getMessage().contains("Content-Range"), e.getCause().getMessage());
                }
            } finally {
                origin.faults(n -> null, 0);
            }
            awaitIdle(client);
            assertArrayEquals(Arrays.copyOfRange(DATA, 1000, 6000), client.fetchRange(r, 1000, 5000).join(),
                    "the origin recovered: fetches work again after " + fault);
            awaitIdle(client);
        }
    }

    /** Numbers in headers are parsed with bounded digits: nothing overflows, nothing throws. */
    @Test
    void boundedNumbers() {
        assertEquals(0, OriginClient.boundedLong("0"));
        assertEquals(999_999_999_999_999_999L, OriginClient.boundedLong("999999999999999999"));
        assertEquals(-2, OriginClient.boundedLong("9999999999999999999"));
        assertEquals(-2, OriginClient.boundedLong("99999999999999999999999"));
        assertEquals(-2, OriginClient.boundedLong("-1"));
        assertEquals(-2, OriginClient.boundedLong("12a"));
        assertEquals(-2, OriginClient.boundedLong(""));
    }

    /** A request that nothing else ends (the origin accepts the connection and says nothing) ends at its hard deadline. */
    @Test
    void aSilentOriginEndsAtTheHardDeadline() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             OriginClient c = new OriginClient(OriginClientConfig.defaults().withRetries(1, Duration.ZERO)
                     .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30)))) {
            java.util.List<java.net.Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (java.io.IOException ignored) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            OriginResource fake = new OriginResource(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/f"), 100, null, null);
            long t0 = System.nanoTime();
            CompletionException e = assertThrows(CompletionException.class,
                    () -> c.fetchRange(fake, 0, 10).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertInstanceOf(OriginException.class, e.getCause());
            assertTrue(ms <= c.hardDeadline().toMillis() + 2000, "ended after " + ms + " ms");
            awaitIdle(c);
            for (java.net.Socket s : accepted) {
                s.close();
            }
        }
    }

    static void awaitIdle(OriginClient c) throws InterruptedException {
        for (int i = 0; i < 100 && c.inFlight() != 0; i++) {
            Thread.sleep(50);
        }
        assertEquals(0, c.inFlight(), "no range request left in flight");
    }
}
