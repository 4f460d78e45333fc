package io.github.torrenthttpbridge.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs external programs (real BitTorrent clients) with a hard deadline. */
public final class Processes {
    private Processes() {
    }

    /** What a finished program printed. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** The last line of stdout (the harness prints one JSON line). */
        public String lastLine() {
            String[] lines = stdout.strip().split("\n");
            return lines[lines.length - 1];
        }

        public String json(String field) {
            Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\": (\"[^\"]*\"|[^,}]+)").matcher(lastLine());
            if (!m.find()) {
                throw new AssertionError("no field " + field + " in: " + lastLine() + "\nstderr: " + stderr);
            }
            return m.group(1).replace("\"", "");
        }
    }

    public static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Tools.require(command);
        Path out = Files.createTempFile("proc", ".out");
        Path err = Files.createTempFile("proc", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor();
                }
                throw new AssertionError(command + " did not finish within " + timeout + "\nstderr: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A background program; its stdout lines are collected; closing it ends it (and waits). */
    public static final class Background implements AutoCloseable {
        private final Process process;
        private final java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        private final Path err;

        Background(List<String> command) throws IOException {
            Tools.require(command);
            err = Files.createTempFile("bg", ".err");
            process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            Thread t = new Thread(() -> {
                try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException ignored) {
                    // process ended
                }
            }, "bg-reader");
            t.setDaemon(true);
            t.start();
        }

        /** Waits for a stdout line matching {@code regex} and returns its first group. */
        public String await(String regex, Duration timeout) throws InterruptedException, IOException {
            Pattern p = Pattern.compile(regex);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l != null) {
                    Matcher m = p.matcher(l);
                    if (m.find()) {
                        return m.group(1);
                    }
                } else if (!process.isAlive()) {
                    break;
                }
            }
            throw new AssertionError("no line matching " + regex + " within " + timeout + "; stderr:\n" + stderr());
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        public String stderr() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        /** Ends the program with SIGKILL (no shutdown hooks run) and waits for it. */
        public void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            Files.deleteIfExists(err);
        }
    }

    public static Background start(List<String> command) throws IOException {
        return new Background(command);
    }

    /** The project's CLI ({@code cli.Main}) with {@code args}, in a new JVM of this one's Java and test class path. */
    public static List<String> cli(String... args) {
        List<String> c = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.github.torrenthttpbridge.cli.Main"));
        c.addAll(List.of(args));
        return c;
    }

    /** The harness directory (src/test/python). */
    public static String python(String script) {
        return Path.of("src", "test", "python", script).toAbsolutePath().toString();
    }
}
