package io.github.torrenthttpbridge.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Random;

/** The demo's downloadable files: fixed (seeded) bytes, so their info hashes never change. JDK only. */
public final class DemoFiles {
    /** Path (below files/) and size in MiB: three files and a folder of two (one torrent for the folder). */
    public static final Map<String, Integer> FILES = Map.of("demo-8m.bin", 8, "demo-16m.bin", 16, "demo-32m.iso", 32,
            "release-1.0/app-1.0.tar.gz", 4, "release-1.0/app-1.0-docs.tar.gz", 2);

    private DemoFiles() {
    }

    /** Writes any missing or wrong-sized demo file into {@code dir}. */
    public static void generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (var e : FILES.entrySet()) {
            Path f = dir.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            long size = e.getValue() * 1024L * 1024;
            if (Files.isRegularFile(f) && Files.size(f) == size) {
                continue;
            }
            Random random = new Random(e.getKey().hashCode());
            byte[] chunk = new byte[1 << 20];
            Path tmp = Files.createTempFile(f.getParent(), ".gen-", ".part");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                for (long done = 0; done < size; done += chunk.length) {
                    random.nextBytes(chunk);
                    out.write(chunk);
                }
            }
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Used by the build to put the files into the demo WAR. */
    public static void main(String[] args) throws IOException {
        generate(Path.of(args[0]));
    }
}
