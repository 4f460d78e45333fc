package io.github.torrenthttpbridge.servlet;

import java.nio.file.Path;
import java.util.EnumSet;

import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * A site in its own JVM (so a test can kill it with SIGKILL): Jetty 12 serving ROOT with the listener and the filter.
 * Arguments: ROOT PORT SECONDS [NAME=VALUE]... (context parameters). Prints {"port": N} when started; stops
 * by itself after SECONDS.
 */
public final class SiteServerMain {
    private SiteServerMain() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(Integer.parseInt(args[1]));
        server.addConnector(c);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ctx.setBaseResource(ResourceFactory.of(server).newResource(Path.of(args[0])));
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            ctx.setInitParameter(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        ctx.addEventListener(new TorrentBridgeListener());
        ctx.addFilter(TorrentFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addServlet(DefaultServlet.class, "/");
        server.setHandler(ctx);
        server.start();
        System.out.println("{\"port\": " + c.getLocalPort() + "}");
        System.out.flush();
        Thread.sleep(Long.parseLong(args[2]) * 1000);
        server.stop();
        System.exit(0);
    }
}
