package io.github.torrenthttpbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentFile;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI with several URLs and --name: one multi-file torrent, made and seeded from a real HTTP server. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CliFolderIT {
    @TempDir
    Path dir;
    Server server;

    URI serve(Path root) throws Exception {
        server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        ResourceHandler h = new ResourceHandler();
        h.setBaseResource(ResourceFactory.of(server).newResource(root));
        server.setHandler(h);
        server.start();
        return URI.create("http://127.0.0.1:" + c.getLocalPort());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    Path write(Path root, String rel, int size, long seed) throws Exception {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        return Files.write(p, b);
    }

    @Test
    void severalUrlsAndANameMakeOneTorrentThatSeedsThroughTheBridge() throws Exception {
        Path root = Files.createDirectories(dir.resolve("www"));
        write(root, "pub/rel/a.bin", 3_000_001, 1);
        write(root, "pub/rel/b.bin", 1_500_000, 2);
        write(root, "other/a.bin", 1000, 3);
        URI base = serve(root);
        String a = base + "/pub/rel/a.bin";
        String b = base + "/pub/rel/b.bin";

        Path out = dir.resolve("rel.torrent");
        Processes.Result r = CliIT.run("create", b, a, "--name", "rel", "--piece-size", "262144", "-o", out.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        TorrentMetadata t = TorrentMetadata.parse(Files.readAllBytes(out));
        assertTrue(t.isMultiFile());
        assertEquals("rel", t.name());
        assertEquals(List.of(List.of("a.bin"), List.of("b.bin")), t.files().stream().map(TorrentFile::path).toList());
        assertEquals(List.of(base + "/pub/"), t.webSeeds(), "BEP 19: BASE/ + name + file");
        Path mk = dir.resolve("mk.torrent");
        assertEquals(0, Processes.run(List.of("mktorrent", "-l", "18", "-o", mk.toString(), root.resolve("pub/rel").toString()),
                Duration.ofSeconds(60)).exitCode());
        assertEquals(TorrentMetadata.parse(Files.readAllBytes(mk)).infoHash(), t.infoHash(), "mktorrent's info hash");

        CliIT.assertOneLineError(CliIT.run("create", a, base + "/other/a.bin", "--name", "x"), "two URLs give the file name 'a.bin'");
        CliIT.assertOneLineError(CliIT.run("create", a, b), "--name");

        // seed the two URLs as one torrent; libtorrent (web seeds off) downloads it from the bridge alone
        Path log = dir.resolve("seed.log");
        Process p = new ProcessBuilder(CliIT.cli("seed", a, b, "--torrent", out.toString(), "--no-dht", "--bind", "127.0.0.1",
                "--port", "0")).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String s = "";
            while (System.nanoTime() < deadline && !s.contains("seeding;")) {
                Thread.sleep(100);
                s = Files.readString(log);
            }
            Matcher m = Pattern.compile("torrent port: (\\d+)").matcher(s);
            assertTrue(m.find(), s);
            assertTrue(s.contains("infohash:     " + t.infoHash().hex()), s);
            Path save = Files.createDirectories(dir.resolve("dl"));
            Processes.Result l = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent", out.toString(),
                    "--save", save.toString(), "--peer", "127.0.0.1:" + m.group(1), "--timeout", "60"), Duration.ofSeconds(90));
            assertEquals("true", l.json("ok"), l.lastLine() + l.stderr());
            assertEquals("0", l.json("hash_failures"));
            for (String f : List.of("a.bin", "b.bin")) {
                assertEquals(Digests.sha256(root.resolve("pub/rel").resolve(f)), Digests.sha256(save.resolve("rel").resolve(f)), f);
            }
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
