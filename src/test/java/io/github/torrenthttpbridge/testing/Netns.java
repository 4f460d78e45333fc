package io.github.torrenthttpbridge.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away Linux network namespace whose only interface is its loopback, carrying a public-looking address
 * and a default route: mldht (the DHT inside bt-dht) refuses loopback and private addresses, so DHT tests run
 * in here. Nothing can leave it. Needs root (as CI runs).
 */
public final class Netns implements AutoCloseable {
    public static final String ADDR = "11.11.0.1";
    private final String name;
    private final List<Processes.Background> running = new ArrayList<>();

    public Netns(String purpose) throws Exception {
        name = "thb-" + purpose + "-" + ProcessHandle.current().pid();
        sh("ip", "netns", "add", name);
        sh("ip", "-n", name, "link", "set", "lo", "up");
        sh("ip", "-n", name, "addr", "add", ADDR + "/32", "dev", "lo");
        sh("ip", "-n", name, "route", "add", "default", "dev", "lo", "src", ADDR);
    }

    private static void sh(String... cmd) throws Exception {
        Processes.Result r = Processes.run(List.of(cmd), Duration.ofSeconds(20));
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", cmd) + ": " + r.stderr().strip()
                    + " (network namespaces need root and the Debian package iproute2; CI runs as root)");
        }
    }

    /** The command, run inside the namespace. */
    public List<String> cmd(String... cmd) {
        return cmd(List.of(cmd));
    }

    public List<String> cmd(List<String> cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
        c.addAll(cmd);
        return c;
    }

    /** Starts a program inside the namespace; it is stopped when the namespace is closed. */
    public Processes.Background start(List<String> cmd) throws Exception {
        Processes.Background b = Processes.start(cmd(cmd));
        running.add(b);
        return b;
    }

    public Processes.Result run(List<String> cmd, Duration timeout) throws Exception {
        return Processes.run(cmd(cmd), timeout);
    }

    @Override
    public void close() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        Processes.run(List.of("ip", "netns", "del", name), Duration.ofSeconds(20));
    }
}
