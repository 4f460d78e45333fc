package io.github.torrenthttpbridge.torrent;

import io.github.torrenthttpbridge.testing.Processes;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Our creator against libtorrent 2.0's {@code create_torrent} and mktorrent on the same files: the {@code info}
 * dictionaries must be byte-identical (so the v1 SHA-1 and v2 SHA-256 info hashes are equal), and so must the
 * {@code piece layers}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CreatorInteropIT {
    private static final String LIBTORRENT = String.join("\n",
            "import libtorrent as lt, sys, os",
            "path, ps, flag, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]",
            "flags = {'hybrid': 0, 'v1': lt.create_torrent.v1_only, 'v2': lt.create_torrent.v2_only}[flag]",
            "fs = lt.file_storage()",
            "if len(sys.argv) > 5:",   // explicit order: mktorrent's (full paths as bytes), sorted here independently
            "    rel = [p for p in sys.argv[5:]]",
            "    for p in sorted(rel, key=lambda s: s.encode()):",
            "        fs.add_file(os.path.basename(path) + '/' + p, os.path.getsize(os.path.join(path, p)))",
            "else:",
            "    lt.add_files(fs, path)",
            "ct = lt.create_torrent(fs, ps, flags)",
            "lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(path)))",
            "open(out, 'wb').write(lt.bencode(ct.generate()))");

    @TempDir
    Path tmp;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int piece : new int[] {16 * 1024, 32 * 1024, 256 * 1024}) {
            for (TorrentVersion v : TorrentVersion.values()) {
                for (String fixture : List.of("tiny", "several-pieces", "tree", "one-in-dir", "empty-last")) {
                    out.add(Arguments.of(fixture, piece, v));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {2} piece {1}")
    @MethodSource("cases")
    void infoIsByteIdenticalToLibtorrentAndMktorrent(String fixture, int piece, TorrentVersion version)
            throws Exception {
        Path target = fixture(fixture, piece);
        TorrentCreator.Options options = TorrentCreator.Options.defaults().withPieceSize(piece).withVersion(version)
                .withThreads(2);
        TorrentMetadata created;
        List<String> relative = new ArrayList<>();
        if (Files.isDirectory(target)) {
            List<InputFile> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(target)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    String rel = target.relativize(p).toString();
                    relative.add(rel);
                    files.add(InputFile.of(rel, Files.size(p)));
                }
            }
            created = TorrentCreator.create(target.getFileName().toString(), files,
                    f -> Files.newInputStream(target.resolve(String.join("/", f.path()))), options,
                    ProgressListener.NONE);
        } else {
            try (var in = Files.newInputStream(target)) {
                created = TorrentCreator.create(in, Files.size(target), target.getFileName().toString(), options,
                        ProgressListener.NONE);
            }
        }
        byte[] ours = created.encoded();
        byte[] theirs = libtorrent(target, piece, version, relative);
        assertInfoEqual(theirs, ours, "libtorrent " + version.label());
        if (version.hasV2()) {
            assertArrayEquals(span(theirs, "piece layers"), span(ours, "piece layers"), "piece layers");
        }
        assertSameAsParsed(TorrentMetadata.parse(theirs), created, version);
        if (version == TorrentVersion.V1 && piece >= 32 * 1024) {
            assertInfoEqual(mktorrent(target, piece), ours, "mktorrent");
        }
    }

    /** What the lead's parser reads from our torrent equals what it reads from libtorrent's. */
    private static void assertSameAsParsed(TorrentMetadata theirs, TorrentMetadata ours, TorrentVersion version)
            throws Exception {
        assertEquals(version.hasV1(), ours.hasV1(), "hasV1");
        assertEquals(version.hasV2(), ours.hasV2(), "hasV2");
        assertEquals(theirs.isMultiFile(), ours.isMultiFile(), "multi-file");
        assertEquals(theirs.infoHash(), ours.infoHash(), "info hash");
        if (version.hasV2()) {
            assertEquals(hex("SHA-256", ours.infoBytes()), HexFormat.of().formatHex(ours.v2InfoHash().orElseThrow()));
        }
        assertEquals(theirs.files().size(), ours.files().size(), "files " + ours.files());
        for (int i = 0; i < ours.files().size(); i++) {
            TorrentFile a = theirs.files().get(i);
            TorrentFile b = ours.files().get(i);
            assertEquals(a.toString(), b.toString(), "file " + i);
            assertArrayEquals(a.piecesRoot(), b.piecesRoot(), "pieces root of " + b);
            assertArrayEquals(theirs.pieceLayer(i).orElse(null), ours.pieceLayer(i).orElse(null), "layer of " + b);
        }
    }

    private static void assertInfoEqual(byte[] theirs, byte[] ours, String who) throws Exception {
        byte[] a = span(theirs, "info");
        byte[] b = span(ours, "info");
        assertEquals(hex("SHA-1", a), hex("SHA-1", b), "v1 info hash against " + who);
        assertEquals(hex("SHA-256", a), hex("SHA-256", b), "v2 info hash against " + who);
        assertArrayEquals(a, b, "info bytes against " + who);
    }

    private Path fixture(String name, int piece) throws IOException {
        Path d = tmp.resolve(name);
        Random r = new Random(name.hashCode() * 31L + piece);
        switch (name) {
            case "tiny":
                return write(tmp.resolve("tiny.bin"), 100, r);
            case "several-pieces":
                return write(tmp.resolve("sévéral.bin"), 3L * piece + 5000, r);
            case "tree":
                write(d.resolve("empty"), 0, r);
                write(d.resolve("b/one"), 1, r);
                write(d.resolve("sub/z16k"), 16 * 1024, r);
                write(d.resolve("sub/deep/piece-minus-1"), piece - 1, r);
                write(d.resolve("A piece plus 1"), piece + 1, r);
                write(d.resolve("a-b"), 7, r);
                write(d.resolve("a/x"), 3 * piece + 77, r);
                write(d.resolve("a.b/c"), 2 * piece, r);
                write(d.resolve("ünïcödé/名前 ü.txt"), 5, r);
                return d;
            case "one-in-dir":
                return write(d.resolve("only.bin"), piece + 3, r).getParent();
            case "empty-last":
                write(d.resolve("a.bin"), 10, r);
                write(d.resolve("z-empty"), 0, r);
                return d;
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private static Path write(Path p, long size, Random r) throws IOException {
        Files.createDirectories(p.getParent());
        byte[] b = new byte[(int) size];
        r.nextBytes(b);
        return Files.write(p, b);
    }

    private byte[] libtorrent(Path target, int piece, TorrentVersion version, List<String> relative)
            throws Exception {
        Path out = tmp.resolve("lt-" + version.label() + ".torrent");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-c", LIBTORRENT, target.toString(),
                Integer.toString(piece), version.label(), out.toString()));
        if (version == TorrentVersion.V1) {
            cmd.addAll(relative);   // libtorrent's v1 keeps directory order; give it mktorrent's
        }
        Processes.Result r = Processes.run(cmd, Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.stderr());
        return Files.readAllBytes(out);
    }

    private byte[] mktorrent(Path target, int piece) throws Exception {
        Path out = tmp.resolve("mk.torrent");
        Files.deleteIfExists(out);
        Processes.Result r = Processes.run(List.of("mktorrent", "-l",
                Integer.toString(Integer.numberOfTrailingZeros(piece)), "-o", out.toString(), target.toString()),
                Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.stderr());
        return Files.readAllBytes(out);
    }

    static byte[] span(byte[] torrent, String key) {
        Bencode.TopLevel top = Bencode.decodeDictionary(torrent);
        int[] s = top.spans().get(key);
        if (s == null) {
            throw new AssertionError("no '" + key + "' in " + top.dictionary().keySet());
        }
        return Arrays.copyOfRange(torrent, s[0], s[1]);
    }

    private static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }
}
