package io.github.torrenthttpbridge.site;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridges of one site's instances, found through their shared metadata directory: each instance publishes its
 * peer address in {@code instances/ID.peer} with an expiry, rewritten (atomically) every third of {@link #TTL}, and
 * deleted when it stops; every instance's built-in tracker lists all live addresses, so a leecher that announces to
 * any instance learns every bridge. An instance killed without stopping drops out when its entry expires; entries
 * expired for a day are deleted by whoever sees them.
 *
 * <p>Locking: none needed; the list of live peers is a volatile snapshot re-read at most every {@link #REREAD}.
 */
public final class InstanceRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceRegistry.class);
    /** How long an entry lives without renewal. */
    static final Duration TTL = Duration.ofSeconds(60);
    /** How often the directory is read again for the live list. */
    static final Duration REREAD = Duration.ofSeconds(3);

    private final Path dir;
    private final String instanceId;
    private final Supplier<java.util.Optional<InetSocketAddress>> self;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private volatile List<InetSocketAddress> live = List.of();
    private volatile long readAtMillis = Long.MIN_VALUE;
    private volatile boolean warned;

    /**
     * Publishes this instance's address (asked again at each renewal; empty while unknown) and starts renewing it.
     *
     * @param metadataDir the metadata directory shared by the site's instances
     */
    public InstanceRegistry(Path metadataDir, String instanceId, Supplier<java.util.Optional<InetSocketAddress>> self) {
        this(metadataDir, instanceId, self, Clock.systemUTC(), true);
    }

    InstanceRegistry(Path metadataDir, String instanceId, Supplier<java.util.Optional<InetSocketAddress>> self, Clock clock,
                     boolean startTimer) {
        if (!instanceId.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("bad instance id: " + instanceId);
        }
        this.dir = metadataDir.resolve("instances");
        this.instanceId = instanceId;
        this.self = self;
        this.clock = clock;
        if (startTimer) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "torrent-bridge-instances");
                t.setDaemon(true);
                return t;
            });
            long period = TTL.toMillis() / 3;
            timer.scheduleWithFixedDelay(this::publish, 0, period, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /** Writes (or renews) this instance's entry. */
    void publish() {
        try {
            java.util.Optional<InetSocketAddress> a = self.get();
            if (a.isEmpty()) {
                if (!warned) {
                    warned = true;
                    LOG.info("this bridge has no address to publish to the other instances sharing {} (it listens on a "
                            + "wildcard address and torrent-bridge.announce-address is not set): their trackers will not "
                            + "list it", dir.getParent());
                }
                return;
            }
            Files.createDirectories(dir);
            Properties p = new Properties();
            p.setProperty("host", a.get().getHostString());
            p.setProperty("port", Integer.toString(a.get().getPort()));
            p.setProperty("expires", Long.toString(clock.millis() + TTL.toMillis()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.store(out, "torrent-http-bridge instance " + instanceId);
            Path target = dir.resolve(instanceId + ".peer");
            AtomicFiles.write(target, out.toByteArray());
            readAtMillis = Long.MIN_VALUE;   // read again, with ourselves in it
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot publish this bridge's address in {}: {}", dir, e.toString());
        }
    }

    /** The peer addresses of every live instance (this one included once published), re-read every few seconds. */
    public List<InetSocketAddress> live() {
        long now = clock.millis();
        if (now - readAtMillis < REREAD.toMillis() && readAtMillis != Long.MIN_VALUE) {
            return live;
        }
        readAtMillis = now;
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.peer")) {
            for (Path f : files) {
                entry(f, now).ifPresent(out::add);
            }
        } catch (java.nio.file.NoSuchFileException none) {
            // nobody published yet
        } catch (IOException e) {
            LOG.debug("cannot read {}: {}", dir, e.toString());
        }
        live = List.copyOf(new ArrayList<>(out));
        return live;
    }

    private java.util.Optional<InetSocketAddress> entry(Path f, long now) {
        try {
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(f, StandardCharsets.ISO_8859_1)));
            long expires = Long.parseLong(p.getProperty("expires", "0").trim());
            if (expires <= now) {
                if (now - expires > Duration.ofDays(1).toMillis()) {
                    Files.deleteIfExists(f);
                }
                return java.util.Optional.empty();
            }
            int port = Integer.parseInt(p.getProperty("port", "").trim());
            String host = p.getProperty("host", "").trim();
            if (port < 1 || port > 65535 || host.isEmpty()) {
                return java.util.Optional.empty();
            }
            InetAddress a = InetAddress.getByName(host);
            return java.util.Optional.of(new InetSocketAddress(a, port));
        } catch (UnknownHostException e) {
            LOG.debug("instance entry {} names an unknown host: {}", f, e.getMessage());
            return java.util.Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.debug("unreadable instance entry {}: {}", f, e.toString());
            return java.util.Optional.empty();
        }
    }

    /** Stops renewing and deletes this instance's entry. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(dir.resolve(instanceId + ".peer"));
        } catch (IOException e) {
            LOG.debug("cannot delete this instance's entry: {}", e.toString());
        }
    }
}
