package io.github.torrenthttpbridge.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code torrent-http-bridge} command line: {@code create}, {@code seed}, {@code serve} and {@code proxy}. */
@Command(name = "torrent-http-bridge", mixinStandardHelpOptions = true, version = "torrent-http-bridge 0.1",
        description = "Share files served over HTTP(S) on BitTorrent, verified piece by piece.",
        subcommands = {CreateCommand.class, SeedCommand.class, ServeCommand.class, ProxyCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit status (0 ok, 1 failure, 2 usage error). */
    public static int run(String... args) {
        configureLogging();
        CommandLine cl = new CommandLine(new Main());
        SeedCommand.addSettingFlags(cl.getSubcommands().get("seed").getCommandSpec());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("error: " + Errors.describe(e));
            err.flush();
            if (Boolean.getBoolean("thb.debug")) {
                e.printStackTrace(err);
            }
            return 1;
        });
        return cl.execute(args);
    }

    static void configureLogging() {
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "info");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.log.the8472", "warn");
        setDefault("org.slf4j.simpleLogger.log.lbms", "warn");
        setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
