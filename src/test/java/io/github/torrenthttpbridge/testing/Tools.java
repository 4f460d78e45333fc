package io.github.torrenthttpbridge.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The real programs the integration tests drive, and the Debian package each comes from. A test that needs a
 * missing one fails at once with one line naming the package (in CI nothing may be skipped).
 */
public final class Tools {
    private static final Map<String, String> PACKAGES = Map.ofEntries(
            Map.entry("python3", "python3"), Map.entry("aria2c", "aria2"), Map.entry("mktorrent", "mktorrent"),
            Map.entry("transmission-cli", "transmission-cli"), Map.entry("ip", "iproute2"),
            Map.entry("curl", "curl"), Map.entry("chromium", "chromium"), Map.entry("chromedriver", "chromium-driver"),
            Map.entry("opentracker", "opentracker"), Map.entry("qbittorrent-nox", "qbittorrent-nox"), Map.entry("rtorrent", "rtorrent"),
            Map.entry("nginx", "nginx-light"));
    private static final Map<String, Boolean> CHECKED = new ConcurrentHashMap<>();

    private Tools() {
    }

    /** Fails with one line naming the package if the program that {@code command} starts is not installed. */
    public static void require(List<String> command) {
        int i = 0;
        if (command.size() > 3 && command.get(0).equals("ip") && command.get(1).equals("netns") && command.get(2).equals("exec")) {
            require("ip");
            i = 4;   // ip netns exec NAME program...
        }
        String program = command.get(i);
        require(program);
        boolean harness = command.stream().anyMatch(a -> a.endsWith("leech.py") || a.endsWith("dht_node.py"));
        if (Path.of(program).getFileName().toString().startsWith("python3") && harness) {
            requirePythonModule(program, "libtorrent", "python3-libtorrent");
        }
    }

    /** Fails with one line naming the package if {@code program} (a name on PATH or an absolute path) is missing. */
    public static void require(String program) {
        String name = Path.of(program).getFileName().toString();
        if (CHECKED.containsKey(program) || !PACKAGES.containsKey(name)) {
            return;
        }
        if (!found(program)) {
            throw new AssertionError("missing tool: " + program + " (install the Debian package " + PACKAGES.get(name)
                    + ": apt-get install -y " + PACKAGES.get(name) + ")");
        }
        CHECKED.put(program, true);
    }

    /** Fails with one line naming the package if {@code python} cannot import {@code module}. */
    public static void requirePythonModule(String python, String module, String debianPackage) {
        String key = python + " import " + module;
        if (CHECKED.containsKey(key)) {
            return;
        }
        boolean ok;
        try {
            Process p = new ProcessBuilder(python, "-c", "import " + module).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            p.destroyForcibly();
        } catch (Exception e) {
            ok = false;
        }
        if (!ok) {
            throw new AssertionError("missing tool: " + python + " cannot import " + module
                    + " (install the Debian package " + debianPackage + ": apt-get install -y " + debianPackage + ")");
        }
        CHECKED.put(key, true);
    }

    private static boolean found(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
