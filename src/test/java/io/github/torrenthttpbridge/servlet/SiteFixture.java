package io.github.torrenthttpbridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.torrenthttpbridge.testing.Digests;
import io.github.torrenthttpbridge.testing.Processes;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small download site on disk, and HTTP helpers for the filter's integration tests (Jetty and Tomcat). */
final class SiteFixture {
    static final int BIG = 64 * 1024 * 1024;
    final Path root;
    final Path metadata;

    SiteFixture(Path dir) throws IOException {
        root = Files.createDirectories(dir.resolve("site"));
        metadata = Files.createDirectories(dir.resolve("metadata"));
        write("files/big.bin", BIG, 1);
        write("files/other.bin", 3 * 1024 * 1024, 2);
        write("files/small.bin", 1000, 3);
        write("protected/secret.bin", 2 * 1024 * 1024, 4);
        write("WEB-INF/hidden.bin", 2 * 1024 * 1024, 5);
        Files.writeString(root.resolve("index.html"), """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Downloads</title></head><body>
                <h1>Downloads — ünïcode</h1>
                <ul>
                <li><a href="files/big.bin">big.bin</a> (64 MiB)</li>
                <li><a class="x" href='/files/other.bin'>other.bin</a></li>
                <li><a href="files/small.bin">small.bin</a></li>
                <li><a href="about.html">about</a></li>
                <li><a href="https://elsewhere.example/files/x.iso">elsewhere</a></li>
                </ul></body></html>
                """);
    }

    void write(String path, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, data);
    }

    /**
     * Rewrites {@code path} with new bytes and a Last-Modified 10 s later than before (HTTP dates have whole
     * seconds: a rewrite within the same second would otherwise keep the old validator).
     */
    /** Replaces a file the way deployments do (a new file renamed over the old one), with a later mtime. */
    void change(String path, int size, long seed) throws IOException {
        Path p = root.resolve(path);
        java.nio.file.attribute.FileTime was = Files.getLastModifiedTime(p);
        Path next = Files.createTempFile(root.getParent(), "next", ".bin");  // outside what the site serves
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Files.write(next, data);
        Files.setLastModifiedTime(next, java.nio.file.attribute.FileTime.fromMillis(was.toMillis() + 10_000));
        Files.move(next, p, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * GETs {@code F?torrent} until it gives a torrent other than {@code old} (the probe of {@code F} is cached for
     * a few seconds), within 30 s.
     */
    static TorrentMetadata newTorrentWhenReady(URI uri, TorrentMetadata old) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<byte[]> r = torrentWhenReady(uri);
            if (r.statusCode() == 200) {
                TorrentMetadata t = TorrentMetadata.parse(r.body());
                if (!t.infoHash().equals(old.infoHash()) || System.nanoTime() > deadline) {
                    return t;
                }
            } else if (System.nanoTime() > deadline) {
                throw new AssertionError(uri + " answered " + r.statusCode());
            }
            Thread.sleep(100);
        }
    }

    static Map<String, String> params(SiteFixture f) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("torrent-bridge.bind", "127.0.0.1");
        p.put("torrent-bridge.port", "0");
        p.put("torrent-bridge.dht", "false");
        p.put("torrent-bridge.metadata-dir", f.metadata.toString());
        p.put("torrent-bridge.exclude", "/protected/*");
        return p;
    }

    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static HttpResponse<byte[]> get(URI uri, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A raw HTTP/1.1 GET with a Host header of our choosing (java.net.http refuses to set Host). */
    static String rawGet(URI base, String pathAndQuery, String host) throws IOException {
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** GETs {@code F?torrent} until it is ready (202 while hashing). */
    static HttpResponse<byte[]> torrentWhenReady(URI uri) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<byte[]> r = get(uri);
            if (r.statusCode() != 202 || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(200);
        }
    }

    static long jsonLong(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no " + field + " in " + json);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * libtorrent (leech.py, web seeds removed) downloads {@code torrent} from the bridge of the site at {@code base}
     * (ending with /; its torrent port from the status JSON) into {@code work}; the bytes must equal {@code expected}'s
     * (a file, or for a folder's torrent the folder: each of its files).
     */
    static void leechFromBridge(URI base, byte[] torrent, Path work, Path expected, int timeoutSeconds) throws Exception {
        String status = new String(get(base.resolve("torrent-bridge/?format=json")).body(), java.nio.charset.StandardCharsets.UTF_8);
        Path tf = Files.createDirectories(work).resolve("leech.torrent");
        Files.write(tf, torrent);
        Path save = Files.createDirectories(work.resolve("download"));
        Processes.Result r = Processes.run(List.of("/usr/bin/python3", Processes.python("leech.py"), "--torrent", tf.toString(),
                "--save", save.toString(), "--peer", "127.0.0.1:" + jsonLong(status, "torrentPort"),
                "--timeout", Integer.toString(timeoutSeconds)), Duration.ofSeconds(timeoutSeconds + 30L));
        assertEquals("true", r.json("ok"), r.lastLine() + r.stderr());
        assertEquals("0", r.json("hash_failures"));
        Path saved = save.resolve(TorrentMetadata.parse(torrent).name());
        if (Files.isDirectory(expected)) {   // a folder's torrent: every file of the folder
            try (var files = Files.walk(expected)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertEquals(Digests.sha256(f), Digests.sha256(saved.resolve(expected.relativize(f).toString())), f.toString());
                }
            }
        } else {
            assertEquals(Digests.sha256(expected), Digests.sha256(saved));
        }
    }
}
