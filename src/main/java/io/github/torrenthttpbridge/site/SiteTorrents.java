package io.github.torrenthttpbridge.site;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.torrenthttpbridge.bridge.CreatedTorrent;
import io.github.torrenthttpbridge.bridge.LoggingProgress;
import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.bridge.SeedState;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.origin.OriginException;
import io.github.torrenthttpbridge.origin.OriginResource;
import io.github.torrenthttpbridge.torrent.HashProgress;
import io.github.torrenthttpbridge.torrent.InvalidTorrentException;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Torrents for the files of one web site, with no servlet dependency (the filter is a thin adapter).
 *
 * <p>A file is bridged only if the site itself serves it to an anonymous Range request with {@code 206}:
 * every decision starts with a probe through the site's own origin URL (fixed at start-up, never taken from a
 * request), so protected, missing or encoded resources are never bridged. Its torrent comes, in order, from
 * the metadata directory (keyed by path + length + validator, so a restart re-hashes nothing and a changed
 * file gets a new torrent), from a pre-made {@code F.torrent} beside it whose name and length match, or from
 * a background hashing job; concurrent requests share one job. Each torrent is registered with the bridge,
 * and when a file changes the old info hash stops being seeded.
 */
public final class SiteTorrents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SiteTorrents.class);
    private static final int MAX_PREMADE_BYTES = 8 * 1024 * 1024;

    private final TorrentBridge bridge;
    private final SiteOptions options;
    private final Supplier<URI> originBase;
    private final ThreadPoolExecutor hashers;
    private final Cache<String, Probe> probes;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Ready> ready = new ConcurrentHashMap<>();      // by key
    private final Map<String, String> currentKey = new ConcurrentHashMap<>(); // path -> key
    private final Map<String, String> failures = new ConcurrentHashMap<>();   // key -> reason
    private final AtomicLong jobsStarted = new AtomicLong();
    private final Supplier<List<String>> trackers;
    private final Map<String, java.util.concurrent.atomic.LongAdder> webseedRequests = new ConcurrentHashMap<>();

    /** Counts a client's range request for a bridged file (a web seed, BEP 19, or a download manager). */
    public void countWebseedRequest(String path) {
        if (currentKey.containsKey(path)) {
            webseedRequests.computeIfAbsent(path, p -> new java.util.concurrent.atomic.LongAdder()).increment();
        }
    }

    public long webseedRequests(String path) {
        var a = webseedRequests.get(path);
        return a == null ? 0 : a.sum();
    }

    private record Probe(OriginResource resource, OriginException error) {
    }

    private record Ready(String path, String key, TorrentMetadata torrent, SeedHandle handle) {
    }

    private static final class Job {
        final String path;
        final String key;
        final AtomicReference<HashProgress> progress = new AtomicReference<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Job(String path, String key) {
            this.path = path;
            this.key = key;
        }
    }

    /** @param originBase the site's own base URL (scheme, host, port, context path), fixed by configuration */
    public SiteTorrents(TorrentBridge bridge, SiteOptions options, Supplier<URI> originBase) {
        this(bridge, options, originBase, options::trackers);
    }

    /** @param trackers the announce URLs for new torrents (may change once the site's public URL is known) */
    public SiteTorrents(TorrentBridge bridge, SiteOptions options, Supplier<URI> originBase, Supplier<List<String>> trackers) {
        this.trackers = trackers;
        this.bridge = bridge;
        this.options = options;
        this.originBase = originBase;
        AtomicInteger n = new AtomicInteger();
        this.hashers = new ThreadPoolExecutor(options.hashJobs(), options.hashJobs(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, options.hashQueue())), r -> {
                    Thread t = new Thread(r, "torrent-hash-job-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.probes = Caffeine.newBuilder().expireAfterWrite(options.probeTtl()).maximumSize(10_000).build();
        try {
            Files.createDirectories(options.metadataDir());
            // half-written files of a process that died mid-write (writes are atomic renames of these)
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(options.metadataDir(), ".tmp-*.part")) {
                for (Path f : leftovers) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the metadata directory " + options.metadataDir(), e);
        }
    }

    private final ThreadPoolExecutor preparer = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64), r -> {
                Thread t = new Thread(r, "torrent-prepare");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());
    private final Map<String, Boolean> preparing = new ConcurrentHashMap<>();

    /**
     * Starts making the torrent of {@code path} in the background if it is unknown (a page links to it, so
     * someone is likely to ask); bounded: extra requests are dropped.
     */
    public void prepare(String path) {
        if (currentKey.containsKey(path) || preparing.putIfAbsent(path, Boolean.TRUE) != null) {
            return;
        }
        preparer.execute(() -> {
            try {
                status(path);
            } catch (RuntimeException e) {
                LOG.debug("preparing {} failed: {}", path, e.toString());
            } finally {
                preparing.remove(path);
            }
        });
    }

    /** How many hashing jobs have been started since creation. */
    public long hashJobsStarted() {
        return jobsStarted.get();
    }

    /** The URL the bridge fetches {@code path} from. */
    public URI urlOf(String path) {
        StringBuilder sb = new StringBuilder(originBase.get().toString().replaceAll("/+$", ""));
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            sb.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(sb.toString());
    }

    private Probe probe(String path) {
        return probes.get(path, p -> {
            try {
                return new Probe(bridge.originClient().probe(urlOf(p), -1), null);
            } catch (OriginException e) {
                return new Probe(null, e);
            }
        });
    }

    static String key(String path, OriginResource r) {
        String validator = r.etag() != null ? r.etag() : String.valueOf(r.lastModified());
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((path + "\n" + r.length() + "\n" + validator).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The status of {@code path} (decoded, normalized, starting with '/'), starting a hashing job if the file
     * is bridgeable and has no torrent yet.
     */
    public TorrentStatus status(String path) {
        Probe p = probe(path);
        if (p.error() != null) {
            return TorrentStatus.notBridged(path, "the site does not serve it publicly with byte ranges: " + p.error().getMessage());
        }
        OriginResource r = p.resource();
        if (r.length() < options.minSize()) {
            return TorrentStatus.notBridged(path, "smaller than the minimum of " + options.minSize() + " bytes");
        }
        String key = key(path, r);
        Ready done = ready.get(key);
        if (done != null) {
            return readyStatus(done);
        }
        Job job = jobs.get(key);
        if (job != null) {
            return new TorrentStatus(path, TorrentStatus.State.HASHING, null, null, job.progress.get(), null);
        }
        Optional<Ready> loaded = loadPersisted(path, key, r).or(() -> loadPremade(path, key, r));
        if (loaded.isPresent()) {
            return readyStatus(loaded.get());
        }
        return startJob(path, key, r);
    }

    /** As {@link #status(String)}, waiting up to {@code wait} for a hashing job to finish. */
    public TorrentStatus await(String path, Duration wait) {
        TorrentStatus s = status(path);
        if (s.state() != TorrentStatus.State.HASHING || wait.isZero()) {
            return s;
        }
        Job job = jobs.get(currentJobKey(path));
        if (job != null) {
            try {
                job.done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still hashing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                // reported through status
            }
        }
        return status(path);
    }

    private String currentJobKey(String path) {
        for (Job j : jobs.values()) {
            if (j.path.equals(path)) {
                return j.key;
            }
        }
        return "";
    }

    private TorrentStatus readyStatus(Ready r) {
        return new TorrentStatus(r.path(), TorrentStatus.State.READY, r.torrent(), r.handle(), null, null);
    }

    private synchronized TorrentStatus startJob(String path, String key, OriginResource r) {
        Job existing = jobs.get(key);
        if (existing != null) {
            return new TorrentStatus(path, TorrentStatus.State.HASHING, null, null, existing.progress.get(), null);
        }
        Ready done = ready.get(key);
        if (done != null) {
            return readyStatus(done);
        }
        Job job = new Job(path, key);
        jobs.put(key, job);
        markPending(path, key);
        try {
            hashers.execute(() -> runJob(job, r));
        } catch (RejectedExecutionException e) {
            deleteQuietly(pendingFile(key));
            jobs.remove(key);
            return new TorrentStatus(path, TorrentStatus.State.BUSY, null, null, null,
                    "too many files are being hashed; try again later");
        }
        jobsStarted.incrementAndGet();
        String lastFailure = failures.get(key);
        LOG.info("hashing {} ({} bytes) in the background{}", path, r.length(),
                lastFailure == null ? "" : " (the last attempt failed: " + lastFailure + ")");
        return new TorrentStatus(path, TorrentStatus.State.HASHING, null, null, new HashProgress(0, r.length(), 0), null);
    }

    private void runJob(Job job, OriginResource probed) {
        try {
            URI url = urlOf(job.path);
            LoggingProgress log = new LoggingProgress(job.path);
            TorrentCreator.Options o = TorrentCreator.Options.defaults()
                    .withPieceSize(options.pieceSize())
                    .withTrackers(trackers.get())
                    .withWebSeeds(options.webSeed() ? List.of(url.toString()) : List.of());
            CreatedTorrent created = bridge.createTorrent(url, o, p -> {
                HashProgress before = job.progress.getAndSet(p);
                bytesHashed.add(p.bytesDone() - (before == null ? 0 : before.bytesDone()));
                log.onProgress(p);
            });
            if (!job.key.equals(key(job.path, created.origin()))) {
                throw new OriginException(url, "the file changed while it was hashed", true);
            }
            persist(job.path, job.key, created.torrent(), created.origin());
            register(job.path, job.key, created.torrent(), created.origin());
            failures.remove(job.key);
        } catch (RuntimeException e) {
            LOG.warn("hashing {} failed: {}", job.path, e.getMessage());
            failures.put(job.key, e.getMessage());
            probes.invalidate(job.path);
        } finally {
            jobs.remove(job.key);
            deleteQuietly(pendingFile(job.key));
            job.done.complete(null);
        }
    }

    private Ready register(String path, String key, TorrentMetadata torrent, OriginResource origin) {
        SeedHandle handle = bridge.seed(urlOf(path), torrent, origin);
        Ready r = new Ready(path, key, torrent, handle);
        ready.put(key, r);
        String previous = currentKey.put(path, key);
        if (previous != null && !previous.equals(key)) {
            Ready old = ready.remove(previous);
            if (old != null && !old.torrent().infoHash().equals(torrent.infoHash())) {
                bridge.remove(old.torrent().infoHash());
                LOG.info("{} changed: stopped seeding {}, now {}", path, old.torrent().infoHash(), torrent.infoHash());
            }
            deletePersisted(previous);
        }
        return r;
    }

    // ---- persistence -------------------------------------------------------------------------------

    private Path torrentFile(String key) {
        return options.metadataDir().resolve(key + ".torrent");
    }

    private Path propertiesFile(String key) {
        return options.metadataDir().resolve(key + ".properties");
    }

    /** Marks a hashing job as started, so that a process killed mid-hash restarts it on {@link #restore()}. */
    private Path pendingFile(String key) {
        return options.metadataDir().resolve(key + ".pending");
    }

    private void markPending(String path, String key) {
        try {
            atomicWrite(pendingFile(key), path.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("cannot record the hashing job of {}: {}", path, e.toString());
        }
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", f, e.toString());
        }
    }

    /** Bytes used by the metadata directory. */
    long metadataBytes() {
        long total = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(options.metadataDir())) {
            for (Path f : dir) {
                total += Files.size(f);
            }
        } catch (IOException e) {
            LOG.debug("cannot measure {}: {}", options.metadataDir(), e.toString());
        }
        return total;
    }

    private void persist(String path, String key, TorrentMetadata torrent, OriginResource origin) {
        long used = metadataBytes();
        if (used + torrent.encoded().length + 1024 > options.metadataMaxBytes()) {
            LOG.warn("not persisting the torrent of {}: the metadata directory {} holds {} bytes, its cap is {}"
                    + " (torrent-bridge.metadata-max-mib); it will be hashed again after a restart",
                    path, options.metadataDir(), used, options.metadataMaxBytes());
            return;
        }
        try {
            atomicWrite(torrentFile(key), torrent.encoded());
            Properties p = new Properties();
            p.setProperty("path", path);
            p.setProperty("length", Long.toString(origin.length()));
            p.setProperty("infohash", torrent.infoHash().hex());
            if (origin.etag() != null) {
                p.setProperty("etag", origin.etag());
            }
            if (origin.lastModified() != null) {
                p.setProperty("lastModified", origin.lastModified());
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            p.store(out, "torrent-http-bridge metadata");
            atomicWrite(propertiesFile(key), out.toByteArray());
        } catch (IOException e) {
            LOG.warn("cannot persist the torrent of {} in {}: {}", path, options.metadataDir(), e.toString());
        }
    }

    private static void atomicWrite(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void deletePersisted(String key) {
        deleteQuietly(torrentFile(key));
        deleteQuietly(propertiesFile(key));
    }

    private Optional<Ready> loadPersisted(String path, String key, OriginResource r) {
        Path file = torrentFile(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            TorrentMetadata t = TorrentMetadata.parse(Files.readAllBytes(file));
            if (t.length() != r.length()) {
                throw new InvalidTorrentException("length " + t.length() + " differs from the file's " + r.length());
            }
            synchronized (this) {
                Ready done = ready.get(key);
                return Optional.of(done != null ? done : register(path, key, t, r));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring stored metadata {} for {}: {}", file, path, e.getMessage());
            deletePersisted(key);
            return Optional.empty();
        }
    }

    private Optional<Ready> loadPremade(String path, String key, OriginResource r) {
        Optional<byte[]> bytes = bridge.originClient().getSmall(URI.create(urlOf(path) + ".torrent"), MAX_PREMADE_BYTES);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        try {
            TorrentMetadata t = TorrentMetadata.parse(bytes.get());
            if (!t.name().equals(name) || t.length() != r.length()) {
                LOG.warn("pre-made {}.torrent does not match the file (name '{}' vs '{}', length {} vs {}); hashing instead",
                        path, t.name(), name, t.length(), r.length());
                return Optional.empty();
            }
            persist(path, key, t, r);
            synchronized (this) {
                LOG.info("using pre-made {}.torrent ({})", path, t.infoHash());
                return Optional.of(register(path, key, t, r));
            }
        } catch (RuntimeException e) {
            LOG.warn("pre-made {}.torrent is unusable ({}); hashing instead", path, e.getMessage());
            return Optional.empty();
        }
    }

    /** Re-registers every persisted torrent whose file is unchanged; stale entries are dropped. */
    public int restore() {
        int restored = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(options.metadataDir(), "*.properties")) {
            for (Path props : dir) {
                String key = props.getFileName().toString().replace(".properties", "");
                Properties p = new Properties();
                try (var in = Files.newInputStream(props)) {
                    p.load(in);
                }
                String path = p.getProperty("path");
                if (path == null) {
                    continue;
                }
                TorrentStatus s = status(path);
                if (s.state() == TorrentStatus.State.READY && key.equals(currentKey.get(path))) {
                    restored++;
                } else if (s.state() != TorrentStatus.State.HASHING) {
                    deletePersisted(key);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read the metadata directory {}: {}", options.metadataDir(), e.toString());
        }
        int resumed = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(options.metadataDir(), "*.pending")) {
            for (Path pending : dir) {
                String path = Files.readString(pending, StandardCharsets.UTF_8).strip();
                // a job that was running when the process stopped: start it again (a changed file gets a job
                // under a new key, and a finished one none, so this marker is then done with)
                if (path.startsWith("/")) {
                    status(path);
                }
                String key = pending.getFileName().toString().replace(".pending", "");
                if (jobs.containsKey(key)) {
                    resumed++;
                } else {
                    deleteQuietly(pending);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read the metadata directory {}: {}", options.metadataDir(), e.toString());
        }
        LOG.info("restored {} torrents from {}; restarted {} unfinished hashing jobs", restored, options.metadataDir(), resumed);
        return restored;
    }

    /** Everything known: ready torrents and running jobs. */
    public List<TorrentStatus> all() {
        List<TorrentStatus> out = new ArrayList<>();
        for (Job j : jobs.values()) {
            out.add(new TorrentStatus(j.path, TorrentStatus.State.HASHING, null, null, j.progress.get(), null));
        }
        for (Ready r : ready.values()) {
            out.add(readyStatus(r));
        }
        failures.forEach((key, reason) -> {
            if (!ready.containsKey(key) && !jobs.containsKey(key)) {
                out.add(new TorrentStatus("(key " + key.substring(0, 8) + ")", TorrentStatus.State.FAILED, null, null, null, reason));
            }
        });
        out.sort(java.util.Comparator.comparing(TorrentStatus::path));
        return out;
    }

    /** The ready torrent for {@code path} if one is known, without probing (for link injection). */
    public Optional<TorrentMetadata> knownTorrent(String path) {
        String key = currentKey.get(path);
        Ready r = key == null ? null : ready.get(key);
        return r == null || r.handle().state() != SeedState.SEEDING ? Optional.empty() : Optional.of(r.torrent());
    }

    public Collection<String> knownPaths() {
        return List.copyOf(currentKey.keySet());
    }

    private final java.util.concurrent.atomic.LongAdder bytesHashed = new java.util.concurrent.atomic.LongAdder();

    /** Bytes read and hashed by background jobs since start. */
    public long bytesHashed() {
        return bytesHashed.sum();
    }

    /** Hashing jobs started and not finished: running or waiting for a free hasher. */
    public int hashJobs() {
        return jobs.size();
    }

    /** Hashing jobs waiting for a free hasher. */
    public int hashQueueLength() {
        return hashers.getQueue().size();
    }

    /** Files whose last hashing attempt failed (a later request tries again). */
    public int failedCount() {
        int n = 0;
        for (String key : failures.keySet()) {
            if (!ready.containsKey(key) && !jobs.containsKey(key)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        preparer.shutdownNow();
        hashers.shutdownNow();
    }
}
