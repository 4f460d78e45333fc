package io.github.torrenthttpbridge.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.torrenthttpbridge.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The claim/lease logic of cluster hashing, on a real directory with a clock the test moves. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HashClaimsTest {
    static final String KEY = "0123456789abcdef0123456789abcdef";
    static final Duration LEASE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    final TestClock clock = new TestClock(1_000_000_000_000L);

    HashClaims instance(String id) {
        return new HashClaims(dir, id, LEASE, clock);
    }

    @Test
    void oneClaimHoldsOthersSeeItsProgressAndItIsReleased() {
        HashClaims a = instance("a");
        HashClaims b = instance("b");
        HashClaims.Claim claim = a.claim(KEY, "/f.iso", 1000).orElseThrow();
        assertTrue(b.claim(KEY, "/f.iso", 1000).isEmpty(), "a live claim is not taken");
        assertTrue(a.claim(KEY, "/f.iso", 1000).isEmpty(), "nor claimed twice by its own instance");
        claim.progress(400);
        clock.advance(20_000);
        assertTrue(claim.renew());
        HashClaims.Holder seen = b.heldElsewhere(KEY).orElseThrow();
        assertEquals("a", seen.instance());
        assertEquals(400, seen.bytesDone());
        assertEquals(1000, seen.bytesTotal());
        assertEquals(clock.millis() + LEASE.toMillis(), seen.expiresAtMillis());
        assertTrue(a.heldElsewhere(KEY).isEmpty(), "not elsewhere for its holder");
        clock.advance(25_000);   // 45 s after the claim, but renewed at 20 s: still live
        assertTrue(b.claim(KEY, "/f.iso", 1000).isEmpty());
        claim.release();
        assertTrue(b.current(KEY).isEmpty());
        assertEquals(0, claimFiles());
        assertTrue(b.claim(KEY, "/f.iso", 1000).isPresent(), "free again after the release");
    }

    @Test
    void anExpiredClaimIsTakenOverAndItsHolderLearnsItLostIt() {
        HashClaims a = instance("a");
        HashClaims b = instance("b");
        HashClaims.Claim dead = a.claim(KEY, "/f.iso", 1000).orElseThrow();
        clock.advance(LEASE.toMillis() - 1);
        assertTrue(b.claim(KEY, "/f.iso", 1000).isEmpty(), "not before the lease ends");
        clock.advance(2);
        HashClaims.Claim taken = b.claim(KEY, "/f.iso", 1000).orElseThrow();
        assertEquals(2, taken.generation);
        assertEquals("b", a.heldElsewhere(KEY).orElseThrow().instance());
        // the old holder was only slow, not dead: its renewal fails and its release deletes nothing
        assertFalse(dead.renew());
        dead.release();
        assertEquals("b", a.current(KEY).orElseThrow().instance());
        assertTrue(taken.renew());
        taken.release();
        assertEquals(0, claimFiles(), "the new holder cleans up every generation");
    }

    @Test
    void concurrentClaimsFromManyThreadsAndInstancesGiveExactlyOneHolder() throws Exception {
        int threads = 16;
        for (int round = 0; round < 20; round++) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<HashClaims.Claim>>> tries = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                HashClaims c = instance("i" + i);
                tries.add(pool.submit(() -> {
                    go.await();
                    return c.claim(KEY, "/f.iso", 1000);
                }));
            }
            go.countDown();
            List<HashClaims.Claim> won = new ArrayList<>();
            for (Future<Optional<HashClaims.Claim>> f : tries) {
                f.get(10, TimeUnit.SECONDS).ifPresent(won::add);
            }
            pool.shutdown();
            assertEquals(1, won.size(), "round " + round + ": exactly one claim wins");
            // and the same for a takeover of the expired winner
            clock.advance(LEASE.toMillis() + 1);
            pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go2 = new CountDownLatch(1);
            List<Future<Optional<HashClaims.Claim>>> takeovers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                HashClaims c = instance("t" + i);
                takeovers.add(pool.submit(() -> {
                    go2.await();
                    return c.claim(KEY, "/f.iso", 1000);
                }));
            }
            go2.countDown();
            List<HashClaims.Claim> took = new ArrayList<>();
            for (Future<Optional<HashClaims.Claim>> f : takeovers) {
                f.get(10, TimeUnit.SECONDS).ifPresent(took::add);
            }
            pool.shutdown();
            assertEquals(1, took.size(), "round " + round + ": exactly one takeover wins");
            assertEquals(2, took.get(0).generation);
            assertFalse(won.get(0).renew());
            took.get(0).release();
            assertEquals(0, claimFiles());
        }
    }

    @Test
    void aDamagedClaimFileHoldsForOneLeaseAfterItWasWrittenThenIsTakenOver() throws Exception {
        HashClaims b = instance("b");
        Path f = dir.resolve(KEY + ".claim.1");
        Files.write(f, new byte[] {'i', 'n', 's', 't', (byte) 0xff});  // cut short: no instance, no expiry
        Files.setLastModifiedTime(f, FileTime.fromMillis(clock.millis()));
        assertTrue(b.claim(KEY, "/f.iso", 1000).isEmpty(), "a partial claim just written counts as live");
        HashClaims.Holder h = b.current(KEY).orElseThrow();
        assertEquals(null, h.instance());
        clock.advance(LEASE.toMillis() + 1);
        HashClaims.Claim c = b.claim(KEY, "/f.iso", 1000).orElseThrow();
        assertEquals(2, c.generation);
        c.release();
        assertEquals(0, claimFiles(), "the damaged file is removed with the rest");
    }

    @Test
    void garbageAndEmptyClaimFilesAndAnUnparsableExpiryAreTreatedAlike() throws Exception {
        HashClaims b = instance("b");
        for (String content : new String[] {"", "instance=x\nexpires=soon\n", "\u0000\u0001garbage"}) {
            Path f = dir.resolve(KEY + ".claim.1");
            Files.writeString(f, content, java.nio.charset.StandardCharsets.ISO_8859_1);
            Files.setLastModifiedTime(f, FileTime.fromMillis(clock.millis() - LEASE.toMillis() - 1));
            HashClaims.Claim c = b.claim(KEY, "/f.iso", 1000).orElseThrow(() -> new AssertionError("old damaged " + content));
            c.release();
            assertEquals(0, claimFiles());
        }
    }

    @Test
    void noTemporaryFilesAreLeftAndClaimFilesAreComplete() throws Exception {
        HashClaims a = instance("a");
        HashClaims.Claim c = a.claim(KEY, "/dir/name with spaces=and:colons.iso", 5).orElseThrow();
        for (int i = 0; i < 50; i++) {
            c.progress(i);
            assertTrue(c.renew());
        }
        assertEquals("/dir/name with spaces=and:colons.iso", instance("b").current(KEY).orElseThrow().path());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(KEY + ".claim.1"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void badInputIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> instance("a/b"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> instance("a").claim("../etc", "/f", 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new HashClaims(dir, "a", Duration.ZERO, clock));
    }

    private long claimFiles() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(".claim.")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
