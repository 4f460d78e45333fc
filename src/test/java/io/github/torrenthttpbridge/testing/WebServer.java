package io.github.torrenthttpbridge.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A real web server for a test: Debian's nginx or Apache (apache2), in the foreground with a configuration of the
 * test's own, on a free loopback port, logging under the test's directory. Closing it stops it (SIGTERM to the
 * process it started, which stops its workers).
 */
public final class WebServer implements AutoCloseable {
    public static final String NGINX = "/usr/sbin/nginx";
    public static final String APACHE = "/usr/sbin/apache2";
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Processes.Background process;
    private final int port;
    private final Path work;

    private WebServer(Processes.Background process, int port, Path work) {
        this.process = process;
        this.port = port;
        this.work = work;
    }

    /** A free TCP port on 127.0.0.1 (free when asked; the server binds it right after). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * nginx serving {@code root} on {@code port}; {@code serverBlock} is the body of its {@code server} block after
     * {@code listen} and {@code root} (locations; {@code WORK} stands for its work directory). {@code more} are
     * further whole {@code server} blocks.
     */
    public static WebServer nginx(Path root, Path work, int port, String serverBlock, String... more) throws Exception {
        Files.createDirectories(work.resolve("tmp"));
        readableByWorkers(root);
        readableByWorkers(work);
        String w = work.toAbsolutePath().toString();
        String conf = """
                daemon off;
                master_process on;
                worker_processes 1;
                %s
                pid %s/nginx.pid;
                error_log %s/error.log warn;
                events { worker_connections 256; }
                http {
                  include /etc/nginx/mime.types;
                  default_type application/octet-stream;
                  log_format t '$remote_user|$http_x_torrent_http_bridge|$http_authorization|$status|$request';
                  access_log %s/access.log t;
                  client_body_temp_path %s/tmp/body; proxy_temp_path %s/tmp/proxy; fastcgi_temp_path %s/tmp/fastcgi;
                  uwsgi_temp_path %s/tmp/uwsgi; scgi_temp_path %s/tmp/scgi;
                  server {
                    listen 127.0.0.1:%d;
                    root %s;
                    %s
                  }
                  %s
                }
                """.formatted(ROOT ? "user root root;" : "", w, w, w, w, w, w, w, w, port, root.toAbsolutePath(),
                serverBlock.replace("WORK", w), String.join("\n", more).replace("WORK", w));
        Path file = work.resolve("nginx.conf");
        Files.writeString(file, conf);
        return started(Processes.start(List.of(NGINX, "-e", w + "/error.log", "-p", w, "-c", file.toString())), port, work,
                "error.log");
    }

    /**
     * Apache (apache2, event MPM) serving {@code root} on {@code port}; {@code config} is appended to a minimal
     * configuration ({@code WORK} stands for its work directory, {@code ROOT} for {@code root}); {@code modules} are
     * loaded besides the basic ones (authz, auth basic, dir, autoindex, mime).
     */
    public static WebServer apache(Path root, Path work, int port, String config, String... modules) throws Exception {
        Files.createDirectories(work);
        readableByWorkers(root);
        readableByWorkers(work);
        String w = work.toAbsolutePath().toString();
        StringBuilder load = new StringBuilder();
        for (String m : concat(List.of("mpm_event", "authz_core", "authz_user", "authn_core", "authn_file", "auth_basic",
                "dir", "autoindex", "mime", "alias"), modules)) {
            load.append("LoadModule ").append(m).append("_module /usr/lib/apache2/modules/mod_").append(m).append(".so\n");
        }
        String conf = load + """
                ServerRoot %s
                ServerName 127.0.0.1
                Listen 127.0.0.1:%d
                PidFile %s/httpd.pid
                ErrorLog %s/error.log
                LogLevel warn
                %s
                TypesConfig /etc/mime.types
                DocumentRoot %s
                DirectoryIndex index.html
                <Directory />
                  Require all denied
                </Directory>
                <Directory %s>
                  Options +Indexes
                  Require all granted
                </Directory>
                %s
                """.formatted(w, port, w, w, ROOT ? "User www-data\nGroup www-data" : "", root.toAbsolutePath(),
                root.toAbsolutePath(), config.replace("WORK", w).replace("ROOT", root.toAbsolutePath().toString()));
        Path file = work.resolve("httpd.conf");
        Files.writeString(file, conf);
        return started(Processes.start(List.of(APACHE, "-f", file.toString(), "-DFOREGROUND")), port, work, "error.log");
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }

    private static WebServer started(Processes.Background p, int port, Path work, String log) throws Exception {
        WebServer server = new WebServer(p, port, work);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String err = Files.exists(work.resolve(log)) ? Files.readString(work.resolve(log)) : "";
                p.close();
                throw new AssertionError("the web server stopped at start: " + p.stderr() + err);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return server;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        server.close();
        throw new AssertionError("the web server did not listen on " + port + " within 20 s");
    }

    /** Workers run as another user (nobody, www-data) when the test runs as root: let them read the files. */
    private static void readableByWorkers(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        for (Path p = dir.toAbsolutePath().getParent(); p != null && !p.toString().equals("/tmp") && !p.toString().equals("/"); p = p.getParent()) {
            var perms = Files.getPosixFilePermissions(p);
            perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(p, perms);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /**
     * nginx's access log, one line per request: {@code REMOTE_USER|X-Torrent-Http-Bridge|Authorization|STATUS|REQUEST}
     * ({@code -} for none); Apache logs none.
     */
    public String accessLog() throws IOException {
        Path log = work.resolve("access.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        process.close();
    }
}
