package io.github.torrenthttpbridge.interop;

import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import io.github.torrenthttpbridge.bridge.BridgeConfig;
import io.github.torrenthttpbridge.bridge.CreatedTorrent;
import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.bridge.SeedState;
import io.github.torrenthttpbridge.bridge.SeedStats;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.FileOrigin;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.ProgressListener;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against clients nobody here wrote: libtorrent 2.0 (python3-libtorrent) downloads a 64 MiB file
 * served by a stock Jetty file server, through the bridge only (web seeds removed); mktorrent and libtorrent
 * agree with our info hash.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LibtorrentInteropIT {
    static final int SIZE = 64 * 1024 * 1024;
    @TempDir
    static Path dir;
    static Path www;
    static FileOrigin origin;
    static TorrentBridge bridge;

    @BeforeAll
    static void start() throws Exception {
        www = Files.createDirectories(dir.resolve("www"));
        byte[] data = new byte[SIZE];
        new Random(64).nextBytes(data);
        Files.write(www.resolve("big.bin"), data);
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


    static Processes.Result leech(Path torrent, Path save, Duration timeout, String... extra) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/python3", Processes.python("leech.py"),
                "--torrent", torrent.toString(), "--save", save.toString(),
                "--timeout", Long.toString(timeout.toSeconds())));
        cmd.addAll(List.of(extra));
        return Processes.run(cmd, timeout.plusSeconds(30));
    }

    @Test
    void libtorrentDownloadsThroughTheBridgeByteForByte() throws Exception {
        CreatedTorrent created = bridge.createTorrent(origin.url("big.bin"),
                TorrentCreator.Options.defaults().withWebSeeds(List.of(origin.url("big.bin").toString())),
                ProgressListener.NONE);
        TorrentMetadata t = created.torrent();
        Path torrentFile = dir.resolve("big.torrent");
        Files.write(torrentFile, t.encoded());
        SeedHandle h = bridge.seed(origin.url("big.bin"), t, created.origin());

        Path save = Files.createDirectories(dir.resolve("dl1"));
        Processes.Result r = leech(torrentFile, save, Duration.ofSeconds(120),
                "--peer", "127.0.0.1:" + bridge.torrentPort());
        assertEquals("true", r.json("ok"), r.lastLine() + "\n" + r.stderr());
        assertEquals("0", r.json("hash_failures"));
        assertEquals(Digests.sha256(www.resolve("big.bin")), Digests.sha256(save.resolve("big.bin")));

        SeedStats s = h.stats();
        assertTrue(s.uploaded() >= SIZE, "uploaded " + s.uploaded());
        assertEquals(0, s.verificationFailures());
        assertTrue(s.originBytes() >= SIZE && s.originBytes() <= SIZE * 1.05, "origin bytes " + s.originBytes());
        assertTrue(s.originRequests() <= SIZE / (1 << 20) * 1.05 + 2, "origin requests " + s.originRequests());
        System.out.printf("libtorrent via bridge: %s MiB/s, origin bytes/served %.3f, %d origin requests%n",
                r.json("download_rate_mib_s"), (double) s.originBytes() / s.uploaded(), s.originRequests());
        bridge.remove(t.infoHash());
    }

    @Test
    void severalTorrentsAtOnceAddedAndRemovedAtRuntime() throws Exception {
        List<SeedHandle> handles = new java.util.ArrayList<>();
        List<Path> torrents = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] data = new byte[3 * 1024 * 1024 + i * 1000];
            new Random(100 + i).nextBytes(data);
            Files.write(www.resolve("multi" + i + ".bin"), data);
            TorrentMetadata t = bridge.createTorrent(origin.url("multi" + i + ".bin"), TorrentCreator.Options.defaults(),
                    ProgressListener.NONE).torrent();
            Path tf = dir.resolve("multi" + i + ".torrent");
            Files.write(tf, t.encoded());
            torrents.add(tf);
            handles.add(bridge.seed(origin.url("multi" + i + ".bin"), t));
        }
        assertTrue(bridge.seeds().containsAll(handles));
        bridge.remove(handles.get(1).infoHash());
        assertEquals(SeedState.STOPPED, handles.get(1).state());
        assertFalse(bridge.seeds().contains(handles.get(1)));

        for (int i : new int[] {0, 2}) {
            Path save = Files.createDirectories(dir.resolve("multi-dl" + i));
            Processes.Result r = leech(torrents.get(i), save, Duration.ofSeconds(60), "--peer", "127.0.0.1:" + bridge.torrentPort());
            assertEquals("true", r.json("ok"), r.lastLine() + "\n" + r.stderr());
            assertEquals(Digests.sha256(www.resolve("multi" + i + ".bin")), Digests.sha256(save.resolve("multi" + i + ".bin")));
        }
        Path save = Files.createDirectories(dir.resolve("multi-dl1"));
        Processes.Result removed = leech(torrents.get(1), save, Duration.ofSeconds(8), "--peer", "127.0.0.1:" + bridge.torrentPort());
        assertEquals("false", removed.json("ok"), "a removed torrent is no longer served");
        assertEquals("0", removed.json("bytes"));
        for (int i : new int[] {0, 2}) {
            assertTrue(handles.get(i).stats().uploaded() >= 3 * 1024 * 1024, handles.get(i).stats().toString());
            bridge.remove(handles.get(i).infoHash());
        }
    }

    @Test
    void infoHashMatchesMktorrentAndLibtorrent() throws Exception {
        Path file = www.resolve("big.bin");
        TorrentMetadata ours;
        try (InputStream in = Files.newInputStream(file)) {
            ours = TorrentCreator.create(in, SIZE, "big.bin",
                    TorrentCreator.Options.defaults().withPieceSize(1 << 20), ProgressListener.NONE);
        }
        Path mk = dir.resolve("mk.torrent");
        Processes.Result r = Processes.run(List.of("mktorrent", "-l", "20", "-o", mk.toString(), file.toString()),
                Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(TorrentMetadata.parse(Files.readAllBytes(mk)).infoHash(), ours.infoHash(), "mktorrent -l 20");

        Processes.Result lt = Processes.run(List.of("/usr/bin/python3", "-c",
                "import libtorrent as lt,sys\n"
                        + "fs=lt.file_storage(); lt.add_files(fs, sys.argv[1])\n"
                        + "ct=lt.create_torrent(fs, 1<<20, flags=lt.create_torrent.v1_only)\n"
                        + "lt.set_piece_hashes(ct, sys.argv[2])\n"
                        + "print(lt.torrent_info(lt.bencode(ct.generate())).info_hash())",
                file.toString(), www.toString()), Duration.ofSeconds(60));
        assertEquals(0, lt.exitCode(), lt.stderr());
        assertEquals(ours.infoHash().hex(), lt.lastLine().strip(), "libtorrent create_torrent");
    }

    @Test
    void aFileChangedAfterHashingNeverReachesTheClient() throws Exception {
        Path file = www.resolve("changing.bin");
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(8).nextBytes(data);
        Files.write(file, data);
        TorrentMetadata t = bridge.createTorrent(origin.url("changing.bin"), TorrentCreator.Options.defaults(),
                ProgressListener.NONE).torrent();
        Path torrentFile = dir.resolve("changing.torrent");
        Files.write(torrentFile, t.encoded());
        // same length, one bit different in every MiB: whichever piece libtorrent asks for first, its span
        // (1 MiB of pieces per origin request) holds a changed piece, so not a single byte may be uploaded
        for (int mib = 0; mib < 8; mib++) {
            data[mib * 1024 * 1024 + 5 + mib * 4099] ^= 1;
        }
        Files.write(file, data);
        // seeded from the .torrent alone (as with `seed --torrent`): the probe cannot tell; verification does
        SeedHandle h = bridge.seed(origin.url("changing.bin"), t);
        Path save = Files.createDirectories(dir.resolve("dl2"));
        Processes.Result r = leech(torrentFile, save, Duration.ofSeconds(20),
                "--peer", "127.0.0.1:" + bridge.torrentPort());
        String diag = r.lastLine() + "\n" + h.stats();
        assertEquals("false", r.json("ok"), "the download cannot complete: " + diag);
        assertEquals("0", r.json("hash_failures"), "libtorrent received no bad piece: " + diag);
        assertEquals("0", r.json("bytes"), "libtorrent received nothing: " + diag);
        assertTrue(h.stats().verificationFailures() >= 1, "the leecher asked for pieces and they failed: " + diag);
        assertEquals(SeedState.STALE, h.state(), diag);
        assertTrue(h.staleReason().orElseThrow().contains("does not match"), h.staleReason().orElseThrow());
        assertEquals(0, h.stats().uploaded(), "nothing uploaded: " + diag);
        assertFalse(bridge.seeds().isEmpty());
    }
}
