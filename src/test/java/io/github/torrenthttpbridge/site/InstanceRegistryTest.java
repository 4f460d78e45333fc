package io.github.torrenthttpbridge.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.github.torrenthttpbridge.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The instances' peer addresses in the shared metadata directory, with a clock the test moves. */
class InstanceRegistryTest {
    @TempDir
    Path dir;

    final TestClock clock = new TestClock(1_000_000_000_000L);

    InstanceRegistry registry(String id, Optional<InetSocketAddress> address) {
        return new InstanceRegistry(dir, id, () -> address, clock, false);
    }

    @Test
    void liveInstancesAreListedUntilTheyExpireOrStop() throws Exception {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 7001);
        InetSocketAddress b = new InetSocketAddress("127.0.0.2", 7002);
        InstanceRegistry ra = registry("a", Optional.of(a));
        InstanceRegistry rb = registry("b", Optional.of(b));
        InstanceRegistry rc = registry("c", Optional.empty());   // wildcard bind, no announce address: not published
        ra.publish();
        rb.publish();
        rc.publish();
        assertEquals(List.of(a, b), sorted(rc.live()));
        Files.writeString(dir.resolve("instances/broken.peer"), "host=\u0000\nport=x\n");
        Files.writeString(dir.resolve("instances/garbage.peer"), "\u0001\u0002");
        clock.advance(InstanceRegistry.REREAD.toMillis());
        assertEquals(List.of(a, b), sorted(rc.live()), "damaged entries are skipped");

        clock.advance(InstanceRegistry.TTL.toMillis() - InstanceRegistry.REREAD.toMillis() - 1);
        ra.publish();   // a renews, b does not
        clock.advance(2);
        assertEquals(List.of(a), rc.live(), "b expired");
        ra.close();
        clock.advance(InstanceRegistry.REREAD.toMillis());
        assertEquals(List.of(), rc.live(), "a stopped and deleted its entry");
        assertFalse(Files.exists(dir.resolve("instances/a.peer")));
        clock.advance(java.time.Duration.ofDays(2).toMillis());
        rc.live();
        assertFalse(Files.exists(dir.resolve("instances/b.peer")), "entries expired for a day are deleted");
        try (var s = Files.list(dir.resolve("instances"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no temporary files left");
        }
    }

    private static List<InetSocketAddress> sorted(List<InetSocketAddress> l) {
        return l.stream().sorted(java.util.Comparator.comparing(InetSocketAddress::toString)).toList();
    }
}
