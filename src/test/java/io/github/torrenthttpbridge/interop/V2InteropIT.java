package io.github.torrenthttpbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.FileOrigin;
import io.github.torrenthttpbridge.testing.LibtorrentTorrents;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentFile;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * BitTorrent v2 against libtorrent 2.0.8 (python3-libtorrent), web seeds off, the bridge the only peer: a hybrid by
 * {@code .torrent}, the same hybrid by a v2-only magnet (metadata and piece layers — BEP 52 hash requests — from the
 * bridge), and a v2-only torrent by {@code .torrent}. The torrents are made by libtorrent itself; the file is served
 * by a stock Jetty file server. A file of 1,281 pieces makes libtorrent ask for the piece layer in three requests of
 * 512 hashes with their proofs.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class V2InteropIT {
    static final int PIECE = 32 * 1024;
    static final int SIZE = 1281 * PIECE - 12345;
    @TempDir
    static Path dir;
    static Path www;
    static FileOrigin origin;
    static TorrentBridge bridge;

    /** A folder: files longer and shorter than a piece, one empty; v2 gives each file its own tree. */
    static final Map<String, Integer> FOLDER = new LinkedHashMap<>();

    static {
        FOLDER.put("release/app-1.0.tar.gz", 3 * 1024 * 1024 + 17);
        FOLDER.put("release/SHA256SUMS", 97);
        FOLDER.put("release/SHA256SUMS.asc", 0);
        FOLDER.put("release/docs/manual.pdf", 1024 * 1024);
        FOLDER.put("release/docs/notes.txt", 40_000);
        FOLDER.put("release/z-last.bin", 600_001);
    }

    @BeforeAll
    static void start() throws Exception {
        www = Files.createDirectories(dir.resolve("www"));
        byte[] data = new byte[SIZE];
        new Random(52).nextBytes(data);
        Files.write(www.resolve("hybrid.bin"), data);
        new Random(53).nextBytes(data);
        Files.write(www.resolve("v2only.bin"), data);
        LibtorrentTorrents.writeTree(www, FOLDER, 54);
        origin = new FileOrigin(www);
        bridge = TorrentBridge.start(BridgeConfig.builder()
                .bindAddress(InetAddress.getLoopbackAddress()).port(0).dht(false).build());
    }

    @AfterAll
    static void stop() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    /** A .torrent made by libtorrent's create_torrent (src/test/python/lt_create.py) for a file or folder of www. */
    static TorrentMetadata libtorrentTorrent(String path, String version) throws Exception {
        LibtorrentTorrents.Made made = LibtorrentTorrents.make(www.resolve(path), PIECE, version,
                dir.resolve(path.replace('/', '_') + "." + version + ".torrent"));
        TorrentMetadata t = made.torrent();
        assertEquals(made.v2(), HexFormat.of().formatHex(t.v2InfoHash().orElseThrow()), "libtorrent's v2 info hash");
        return t;
    }

    static Processes.Result leech(Path save, String... source) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/python3", Processes.python("leech.py"),
                "--save", save.toString(), "--timeout", "90", "--peer", "127.0.0.1:" + bridge.torrentPort()));
        cmd.addAll(List.of(source));
        return Processes.run(cmd, Duration.ofSeconds(120));
    }

    static Path write(TorrentMetadata t, String name) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, t.encoded());
        return p;
    }

    @Test
    void hybridByTorrentThenByV2OnlyMagnet() throws Exception {
        TorrentMetadata t = libtorrentTorrent("hybrid.bin", "hybrid");
        assertTrue(t.hasV1() && t.hasV2() && t.pieceCount() == 1281, t.toString());
        SeedHandle h = bridge.seed(origin.url("hybrid.bin"), t);

        Path save = Files.createDirectories(dir.resolve("dl-hybrid"));
        Processes.Result r = leech(save, "--torrent", write(t, "hybrid.torrent").toString());
        assertEquals("true", r.json("ok"), r.lastLine() + "\n" + r.stderr());
        assertEquals("0", r.json("hash_failures"));
        assertEquals(Digests.sha256(www.resolve("hybrid.bin")), Digests.sha256(save.resolve("hybrid.bin")));
        long servedBefore = h.hashRequestsServed();
        System.out.printf("hybrid by .torrent: %s MiB/s, hash requests served %d, rejected %d%n",
                r.json("download_rate_mib_s"), servedBefore, h.hashRequestsRejected());

        String v2hex = HexFormat.of().formatHex(t.v2InfoHash().orElseThrow());
        Path save2 = Files.createDirectories(dir.resolve("dl-magnet"));
        Processes.Result m = leech(save2, "--magnet", "magnet:?xt=urn:btmh:1220" + v2hex + "&dn=hybrid.bin");
        assertEquals("true", m.json("ok"), m.lastLine() + "\n" + m.stderr());
        assertEquals("0", m.json("hash_failures"));
        assertEquals(Digests.sha256(www.resolve("hybrid.bin")), Digests.sha256(save2.resolve("hybrid.bin")));
        long served = h.hashRequestsServed() - servedBefore;
        System.out.printf("hybrid by v2 magnet: %s MiB/s, hash requests served %d, rejected %d%n",
                m.json("download_rate_mib_s"), served, h.hashRequestsRejected());
        assertTrue(served >= 3, "the piece layer (1,281 hashes) came from the bridge in requests of at most 512: " + served);
        assertEquals(0, h.hashRequestsRejected());

        // plaintext on the v1 hash: by .torrent libtorrent sets the v2 bit and the bridge upgrades the connection
        // to the v2 hash (BEP 52, as libtorrent itself answers); by v1 magnet it cannot know the torrent has v2
        Path save4 = Files.createDirectories(dir.resolve("dl-plain"));
        Processes.Result p = leech(save4, "--no-encryption", "--torrent", write(t, "hybrid.torrent").toString());
        assertEquals("true", p.json("ok"), p.lastLine() + "\n" + p.stderr());
        assertEquals("0", p.json("hash_failures"));
        assertEquals(Digests.sha256(www.resolve("hybrid.bin")), Digests.sha256(save4.resolve("hybrid.bin")));
        String v1hex = t.infoHash().hex();
        Path save3 = Files.createDirectories(dir.resolve("dl-v1-magnet"));
        long before3 = h.hashRequestsServed();
        Processes.Result u = leech(save3, "--no-encryption", "--magnet", "magnet:?xt=urn:btih:" + v1hex + "&dn=hybrid.bin");
        assertEquals("true", u.json("ok"), u.lastLine() + "\n" + u.stderr());
        assertEquals("0", u.json("hash_failures"));
        assertEquals(Digests.sha256(www.resolve("hybrid.bin")), Digests.sha256(save3.resolve("hybrid.bin")));
        System.out.printf("hybrid by v1 magnet, plaintext: %s MiB/s, hash requests served %d%n",
                u.json("download_rate_mib_s"), h.hashRequestsServed() - before3);
        bridge.remove(t.infoHash());
    }

    @Test
    void v2OnlyByTorrent() throws Exception {
        TorrentMetadata t = libtorrentTorrent("v2only.bin", "v2");
        assertTrue(!t.hasV1() && t.hasV2(), t.toString());
        SeedHandle h = bridge.seed(origin.url("v2only.bin"), t);
        Path save = Files.createDirectories(dir.resolve("dl-v2"));
        Processes.Result r = leech(save, "--torrent", write(t, "v2only.torrent").toString());
        assertEquals("true", r.json("ok"), r.lastLine() + "\n" + r.stderr());
        assertEquals("0", r.json("hash_failures"));
        assertEquals(Digests.sha256(www.resolve("v2only.bin")), Digests.sha256(save.resolve("v2only.bin")));
        assertEquals(0, h.stats().verificationFailures());
        System.out.printf("v2-only by .torrent: %s MiB/s, hash requests served %d, rejected %d%n",
                r.json("download_rate_mib_s"), h.hashRequestsServed(), h.hashRequestsRejected());
        bridge.remove(t.infoHash());
    }

    /** Seeds a folder torrent from one URL per file. */
    static SeedHandle seedFolder(TorrentMetadata t) {
        List<URI> urls = new ArrayList<>();
        for (TorrentFile f : t.files()) {
            if (!f.pad()) {
                urls.add(origin.url("release/" + String.join("/", f.path())));
            }
        }
        return bridge.seed(urls, t, null);
    }

    static void assertFolder(Path save) throws Exception {
        for (String f : FOLDER.keySet()) {
            assertEquals(Digests.sha256(www.resolve(f)), Digests.sha256(save.resolve(f)), f);
        }
    }

    @Test
    void folderHybridByV2OnlyMagnet() throws Exception {
        TorrentMetadata t = libtorrentTorrent("release", "hybrid");
        assertTrue(t.isMultiFile() && t.hasV1() && t.hasV2(), t.toString());
        SeedHandle h = seedFolder(t);
        String v2hex = HexFormat.of().formatHex(t.v2InfoHash().orElseThrow());
        Path save = Files.createDirectories(dir.resolve("dl-folder-magnet"));
        Processes.Result m = leech(save, "--magnet", "magnet:?xt=urn:btmh:1220" + v2hex + "&dn=release");
        assertEquals("true", m.json("ok"), m.lastLine() + "\n" + m.stderr());
        assertEquals("0", m.json("hash_failures"));
        assertFolder(save);
        long layered = t.files().stream().filter(f -> !f.pad() && f.length() > PIECE).count();
        System.out.printf("folder hybrid by v2 magnet: %s MiB/s, hash requests served %d, rejected %d%n",
                m.json("download_rate_mib_s"), h.hashRequestsServed(), h.hashRequestsRejected());
        assertTrue(h.hashRequestsServed() >= layered, "one piece layer request per file longer than a piece ("
                + layered + "): " + h.hashRequestsServed());
        assertEquals(0, h.hashRequestsRejected());
        bridge.remove(t.infoHash());
    }

    @Test
    void folderV2OnlyByTorrent() throws Exception {
        TorrentMetadata t = libtorrentTorrent("release", "v2");
        assertTrue(t.isMultiFile() && !t.hasV1(), t.toString());
        SeedHandle h = seedFolder(t);
        Path save = Files.createDirectories(dir.resolve("dl-folder-v2"));
        Processes.Result r = leech(save, "--torrent", write(t, "folder-v2.torrent").toString());
        assertEquals("true", r.json("ok"), r.lastLine() + "\n" + r.stderr());
        assertEquals("0", r.json("hash_failures"));
        assertFolder(save);
        assertEquals(0, h.stats().verificationFailures());
        bridge.remove(t.infoHash());
    }
}
