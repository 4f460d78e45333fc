package io.github.torrenthttpbridge.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.torrenthttpbridge.origin.OriginResource;
import org.junit.jupiter.api.Test;

/** Listing a directory of the site: recursion, the rules, the caps, the key and the web seed of its torrent. */
class DirectoryScanTest {
    /** A site's directories as ServletContext.getResourcePaths gives them, made from a list of file paths. */
    static DirectoryListing site(String... files) {
        Map<String, Set<String>> dirs = new HashMap<>();
        for (String f : files) {
            String child = f;
            while (true) {
                int cut = child.endsWith("/") ? child.lastIndexOf('/', child.length() - 2) : child.lastIndexOf('/');
                String parent = child.substring(0, cut + 1);
                dirs.computeIfAbsent(parent, k -> new LinkedHashSet<>()).add(child);
                if (parent.equals("/")) {
                    break;
                }
                child = parent;
            }
        }
        return dirs::get;
    }

    @Test
    void listsRecursivelySortedAndLeavesOutWhatTheRulesRefuse() {
        DirectoryListing l = site("/rel/b.bin", "/rel/a.bin", "/rel/sub/deep/c.bin", "/rel/private/key.pem",
                "/rel/bad\\name.bin", "/other/x.bin");
        DirectoryScan.Listed d = DirectoryScan.list(l, "/rel/", p -> !p.startsWith("/rel/private/"), 10);
        assertNull(d.tooMany());
        assertEquals(List.of("/rel/a.bin", "/rel/b.bin", "/rel/sub/deep/c.bin"), d.files());
        assertEquals(Set.of("/rel/private/key.pem", "/rel/bad\\name.bin"), d.leftOut().keySet());
        assertTrue(d.leftOut().get("/rel/private/key.pem").contains("exclude"), d.leftOut().toString());
        assertTrue(d.leftOut().get("/rel/bad\\name.bin").contains("name"), d.leftOut().toString());
    }

    @Test
    void entriesOutsideTheDirectoryAreNeverFollowed() {
        DirectoryListing l = dir -> dir.equals("/rel/") ? Set.of("/rel/a.bin", "/etc/passwd", "/rel/x/y.bin", "/rel/") : Set.of();
        DirectoryScan.Listed d = DirectoryScan.list(l, "/rel/", p -> true, 10);
        assertEquals(List.of("/rel/a.bin"), d.files());
    }

    @Test
    void capsOnFilesEntriesAndDepth() {
        String[] many = new String[11];
        for (int i = 0; i < many.length; i++) {
            many[i] = "/big/f" + i + ".bin";
        }
        DirectoryScan.Listed d = DirectoryScan.list(site(many), "/big/", p -> true, 10);
        assertNotNull(d.tooMany());
        assertTrue(d.tooMany().contains("more than 10 files") && d.tooMany().contains("max-folder-files"), d.tooMany());
        assertEquals(List.of(), d.files());
        assertNull(DirectoryScan.list(site(many), "/big/", p -> true, 11).tooMany());

        // excluded files count towards the entries looked at, not the files
        DirectoryScan.Listed excluded = DirectoryScan.list(site(many), "/big/", p -> false, 1);
        assertNull(excluded.tooMany());
        assertEquals(11, excluded.leftOut().size());
        String[] lots = new String[2000];
        for (int i = 0; i < lots.length; i++) {
            lots[i] = "/big/f" + i + ".bin";
        }
        assertTrue(DirectoryScan.list(site(lots), "/big/", p -> false, 1).tooMany().contains("entries"));

        // a listing that never ends (a link loop) stops at the depth cap
        DirectoryListing loop = dir -> Set.of(dir + "again/");
        assertTrue(DirectoryScan.list(loop, "/l/", p -> true, 10).tooMany().contains("deep"));
    }

    @Test
    void whichDirectoriesCanHaveATorrent() {
        assertNull(DirectoryScan.refusal("/files/rel-1.0/"));
        assertEquals("rel-1.0", DirectoryScan.name("/files/rel-1.0/"));
        assertNotNull(DirectoryScan.refusal("/"));
        assertNotNull(DirectoryScan.refusal("/files"));
        assertNotNull(DirectoryScan.refusal("/a//b/"));
        assertNotNull(DirectoryScan.refusal("/a/../b/"));
    }

    @Test
    void theKeyChangesWithAnyFileAndOnlyThen() {
        URI u = URI.create("http://h/x");
        List<String> files = List.of("/d/a", "/d/b");
        List<OriginResource> rs = List.of(new OriginResource(u, 10, "\"1\"", null), new OriginResource(u, 20, null, "Mon"));
        String k = DirectoryTorrents.key("/d/", files, rs);
        assertEquals(32, k.length());
        assertEquals(k, DirectoryTorrents.key("/d/", files, List.of(new OriginResource(URI.create("http://moved:1/"), 10, "\"1\"", "Tue"),
                new OriginResource(u, 20, null, "Mon"))), "the origin's address and an unused Last-Modified are not part of it");
        assertNotEquals(k, DirectoryTorrents.key("/e/", files, rs));
        assertNotEquals(k, DirectoryTorrents.key("/d/", List.of("/d/a", "/d/c"), rs));
        assertNotEquals(k, DirectoryTorrents.key("/d/", files, List.of(rs.get(0), new OriginResource(u, 20, null, "Tue"))));
        assertNotEquals(k, DirectoryTorrents.key("/d/", files, List.of(rs.get(0), new OriginResource(u, 21, null, "Mon"))));
        assertNotEquals(k, DirectoryTorrents.key("/d/", List.of("/d/a"), List.of(rs.get(0))));
        assertNotEquals(k, SiteProbe.key("/d/a", rs.get(0)), "never a single file's key");
    }

    @Test
    void theWebSeedIsTheParentUrlEndingInASlash() {
        SiteProbe probe = new SiteProbe((io.github.torrenthttpbridge.origin.OriginClient) null, SiteAddress.of(URI.create("https://example.org/site"), List.of()), Duration.ZERO);
        // BEP 19: the client appends the torrent's name (the directory's) and each file's path
        assertEquals(URI.create("https://example.org/site/files/"), DirectoryTorrents.webSeed(probe, "/files/rel 1/"));
        assertEquals(URI.create("https://example.org/site/a%20b/"), DirectoryTorrents.webSeed(probe, "/a b/c/"));
        assertEquals(URI.create("https://example.org/site/"), DirectoryTorrents.webSeed(probe, "/top/"));
    }
}
