package io.github.torrenthttpbridge.testing;

import java.net.URI;
import java.nio.file.Path;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;

/** A real Jetty static file server (its stock {@link ResourceHandler}, content cache off) for a directory, on 127.0.0.1. */
public final class FileOrigin implements AutoCloseable {
    private final Server server;
    /** Bytes written by connections that have closed (open ones are asked at reading time). */
    private final java.util.concurrent.atomic.AtomicLong closedBytesOut = new java.util.concurrent.atomic.AtomicLong();

    public FileOrigin(Path dir) throws Exception {
        server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        c.addBean(new org.eclipse.jetty.io.Connection.Listener() {
            @Override
            public void onClosed(org.eclipse.jetty.io.Connection connection) {
                closedBytesOut.addAndGet(connection.getBytesOut());
            }
        });
        server.addConnector(c);
        // no content cache: Jetty's default one revalidates only once a second and would serve a file's old bytes
        // right after it changed (like nginx, the origin must serve what is on disk now)
        ResourceHandler rh = new ResourceHandler() {
            @Override
            protected org.eclipse.jetty.http.content.HttpContent.Factory newHttpContentFactory(
                    org.eclipse.jetty.io.ByteBufferPool.Sized pool) {
                return new org.eclipse.jetty.http.content.ResourceHttpContentFactory(getBaseResource(), getMimeTypes(), pool);
            }
        };
        rh.setBaseResource(ResourceFactory.of(server).newResource(dir));
        rh.setDirAllowed(false);
        server.setHandler(rh);
        server.start();
    }

    public URI url(String file) {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/" + file);
    }

    /** Bytes the origin has written to its connections (headers and bodies, whole or cut short) so far. */
    public long sentBytes() {
        long open = 0;
        for (org.eclipse.jetty.io.EndPoint ep : server.getConnectors()[0].getConnectedEndPoints()) {
            org.eclipse.jetty.io.Connection connection = ep.getConnection();
            open += connection == null ? 0 : connection.getBytesOut();
        }
        return closedBytesOut.get() + open;
    }

    /** The base URL of the directory ({@code http://127.0.0.1:PORT}). */
    public URI base() {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** Serves DIR on 127.0.0.1 for SECONDS (used inside network namespaces); prints {"port": N}. */
    public static void main(String[] args) throws Exception {
        try (FileOrigin o = new FileOrigin(Path.of(args[0]))) {
            System.out.println("{\"port\": " + o.url("").getPort() + "}");
            System.out.flush();
            Thread.sleep(Long.parseLong(args[1]) * 1000);
        }
    }
}
