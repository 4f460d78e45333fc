import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Deploys a WAR on embedded Jetty 12.1 ee11 (Servlet 6.1), run as a source file with those jars on the class path:
 * {@code java -cp 'target/containers/jetty-ee11/*' src/test/containers/JettyWar.java WAR CONTEXT WORKDIR NAME=VALUE...};
 * prints {@code listening on port N} and runs until its standard input closes (its test ended) or 10 minutes pass.
 * The parameters go in as the context attribute {@code torrent-bridge.overrides} (a map), as embedders do.
 */
public class JettyWar {
    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        WebAppContext ctx = new WebAppContext();
        ctx.setContextPath(args[1]);
        ctx.setWar(args[0]);
        ctx.setTempDirectory(Files.createDirectories(Path.of(args[2], "jetty-tmp")).toFile());
        Map<String, String> overrides = new HashMap<>();
        for (int i = 3; i < args.length; i++) {
            overrides.put(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
        }
        ctx.setAttribute("torrent-bridge.overrides", overrides);
        ctx.setThrowUnavailableOnStartupException(true);
        server.setHandler(ctx);
        server.start();
        System.out.println("listening on port " + c.getLocalPort() + " (Jetty " + Server.getVersion() + ", servlet "
                + ctx.getServletContext().getMajorVersion() + "." + ctx.getServletContext().getMinorVersion() + ")");
        System.out.flush();
        untilStdinClosesOrTenMinutes();
        server.stop();
        System.exit(0);
    }

    /** Returns when the test closes this process's standard input (or dies), or after 10 minutes at the latest. */
    static void untilStdinClosesOrTenMinutes() throws InterruptedException {
        Thread reader = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the test writes nothing: wait for end of input
                }
            } catch (java.io.IOException e) {
                // closed
            }
        }, "stdin");
        reader.setDaemon(true);
        reader.start();
        reader.join(600_000);
    }
}
