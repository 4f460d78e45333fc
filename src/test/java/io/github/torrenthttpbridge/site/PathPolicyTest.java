package io.github.torrenthttpbridge.site;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which paths are bridged and which pages get links, whatever the front end. */
class PathPolicyTest {
    @Test
    void patternsArePrefixesSuffixesExactPathsOrEverything() {
        PathPolicy p = new PathPolicy(List.of("/files/*", "*.iso", "/one.bin"), List.of("/files/private/*", "*.tmp"),
                true, List.of("/index.html", "/dl/*"));
        assertTrue(p.allows("/files/a.bin"));
        assertTrue(p.allows("/other/a.iso"));
        assertTrue(p.allows("/one.bin"));
        assertFalse(p.allows("/two.bin"));
        assertFalse(p.allows("/files/private/a.bin"));
        assertFalse(p.allows("/files/a.tmp"));
        assertFalse(p.allows("/files/"), "a directory is no file");
        assertTrue(p.allowsDirectory("/other/"), "a directory needs no include: its files are checked one by one");
        assertFalse(p.allowsDirectory("/files/private/"));
        assertTrue(p.injectsInto("/index.html"));
        assertTrue(p.injectsInto("/dl/page.html"));
        assertFalse(p.injectsInto("/about.html"));
        assertFalse(new PathPolicy(List.of("/*"), List.of(), false, List.of("/*")).injectsInto("/index.html"));
    }

    @Test
    void webInfMetaInfAndClimbingAreNeverBridged() {
        PathPolicy p = PathPolicy.everything();
        assertTrue(p.allows("/a.iso"));
        for (String never : new String[] {"/WEB-INF/lib/x.jar", "/web-inf/x", "/META-INF/x", "/Meta-Inf/x", "/a/../b.iso"}) {
            assertFalse(p.allows(never), never);
        }
        assertFalse(p.allowsDirectory("/WEB-INF/"));
        assertFalse(p.allowsDirectory("/"), "the root is no folder torrent");
        assertFalse(p.allowsDirectory("/files"), "a directory ends with '/'");
    }
}
