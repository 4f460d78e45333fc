package io.github.torrenthttpbridge.site;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import io.github.torrenthttpbridge.bridge.CreatedTorrent;
import io.github.torrenthttpbridge.bridge.LoggingProgress;
import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.bridge.SeedState;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.origin.OriginException;
import io.github.torrenthttpbridge.origin.OriginResource;
import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Torrents for the files of one web site, with no servlet dependency (the filter is a thin adapter). A small
 * coordinator over parts with one job each: {@link SiteProbe} (does the site serve this file publicly with
 * ranges?), {@link MetadataStore} (info dictionaries on disk), {@link HashJobs} (background hashing),
 * {@link SeededTorrents} (what is registered with the bridge), {@link PremadeTorrents}, {@link LinkPreparer},
 * {@link KnownTorrents} (what the metadata directory holds) and, for several instances sharing the metadata directory,
 * {@link SharedJobs} over {@link HashClaims} (who hashes which file).
 *
 * <p>A file is bridged only if the site itself serves it to an anonymous Range request with {@code 206}. Its
 * torrent's {@code info} comes, in order, from the metadata directory (keyed by path + length + validator, so a
 * restart re-hashes nothing and a changed file gets a new torrent), from a pre-made {@code F.torrent} beside it
 * whose name and length match, or from a background hashing job; concurrent requests share one job. Trackers and
 * the web seed are never stored: every torrent and magnet is dressed with the current {@link SiteAddress}.
 *
 * <p>Locking: each part guards its own state (see each class) and no part calls another while holding its
 * lock. This class has one kind of lock: registering one key (file version) with the bridge is serialized by a
 * lock of that key, held across {@code bridge.seed} (which probes the origin) and never while taking another
 * key's lock; inside it only the parts' own short locks are taken, so there is no lock order to get wrong.
 * Other races between two requests for one file end the same either way: hashing is one job per key
 * ({@link HashJobs#submit}; across the instances sharing the metadata directory, one claim per key:
 * {@link HashClaims}), and {@link SeededTorrents#publish} keeps the two registries consistent.
 */
public final class SiteTorrents implements AutoCloseable, SiteView {
    private static final Logger LOG = LoggerFactory.getLogger(SiteTorrents.class);

    private final TorrentBridge bridge;
    private final SiteOptions options;
    private final SiteAddress address;
    private final Clock clock;
    private final SiteProbe probe;
    private final MetadataStore store;
    private final HashJobs jobs;
    private final SharedJobs shared;
    private final ClaimedHashing hashing;
    private final SeededTorrents seeded = new SeededTorrents();
    private final PremadeTorrents premade;
    private final LinkPreparer preparer;
    private final DirectoryTorrents directories;
    private final KnownTorrents known = new KnownTorrents();
    /** The entries read at start, until {@link #restore()} has seeded them. */
    private List<MetadataStore.Entry> storedAtStart = List.of();
    private final Map<String, LongAdder> webseedRequests = new ConcurrentHashMap<>();
    private final LongAdder webseedRequestsTotal = new LongAdder();
    private final Map<String, Object> registering = new ConcurrentHashMap<>();  // key -> lock while registering
    /** Paths the site answered it does not serve publicly (a verdict), for a while: pages get no links to them. */
    private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> notPublic = com.github.benmanes.caffeine.cache.Caffeine
            .newBuilder().expireAfterWrite(Duration.ofMinutes(10)).maximumSize(100_000).build();

    /**
     * Opens the metadata directory and reads which torrents it holds (so magnet links are known before any file
     * is probed); {@link #restore()} then registers those whose file is unchanged.
     */
    public SiteTorrents(TorrentBridge bridge, SiteOptions options, SiteAddress address) {
        this(bridge, options, address, Clock.systemUTC());
    }

    /**
     * As {@link #SiteTorrents(TorrentBridge, SiteOptions, SiteAddress)}, also making multi-file torrents for the
     * site's directories ({@code status("/D/")}): {@code listing} lists a directory, {@code allowed} says whether a
     * file may be bridged (the include/exclude rules).
     */
    public SiteTorrents(TorrentBridge bridge, SiteOptions options, SiteAddress address, DirectoryListing listing,
                        java.util.function.Predicate<String> allowed) {
        this(bridge, options, address, Clock.systemUTC(), listing, allowed);
    }

    SiteTorrents(TorrentBridge bridge, SiteOptions options, SiteAddress address, Clock clock) {
        this(bridge, options, address, clock, DirectoryListing.none(), p -> true);
    }

    SiteTorrents(TorrentBridge bridge, SiteOptions options, SiteAddress address, Clock clock, DirectoryListing listing,
                 java.util.function.Predicate<String> allowed) {
        this.bridge = bridge;
        this.options = options;
        this.address = address;
        this.clock = clock;
        this.probe = new SiteProbe(bridge.originClient().config(), address, options.probeTtl());
        this.store = new MetadataStore(options.metadataDir(), options.metadataMaxBytes());
        this.jobs = new HashJobs(options.hashJobs(), options.hashQueue());
        this.preparer = new LinkPreparer(this::status);
        this.directories = new DirectoryTorrents(bridge, options, probe, listing, allowed);
        this.shared = new SharedJobs(new HashClaims(options.metadataDir(), options.instanceId(), options.hashLease(), clock),
                // looked at again on the preparer's thread: never on the claims' timer, whose renewals must not wait
                path -> preparer.prepare(path));
        this.hashing = new ClaimedHashing(store, jobs, shared);
        this.premade = new PremadeTorrents(bridge.originClient());
        shared.every(ADOPT_EVERY, () -> {
            int n = adoptStored();
            if (n > 0) {
                LOG.info("{} torrents stored by other instances sharing {} are now seeded here too", n, options.metadataDir());
            }
        });
        shared.every(RECHECK_EVERY, this::recheckActive);
        List<MetadataStore.Entry> stored = store.loadAll();
        for (MetadataStore.Entry e : stored) {
            known.add(e);
        }
        storedAtStart = stored;
        LOG.info("{} torrents known from {}", known.size(), options.metadataDir());
    }

    /**
     * The status of {@code path} (decoded, normalized, starting with '/'), starting a hashing job if the file
     * is bridgeable and has no torrent yet.
     */
    public TorrentStatus status(String path) {
        if (path.endsWith("/")) {
            return directoryStatus(path);
        }
        SiteProbe.Result p = probe.probe(path);
        if (p.transientFailure()) {
            // no verdict: keep seeding what is seeded, and have the client ask again later
            Optional<SeededTorrents.Seeded> current = seeded.current(path).filter(s -> s.handle().state() == SeedState.SEEDING);
            return current.isPresent() ? readyStatus(current.get()) : busy(path, p);
        }
        if (p.error() != null) {
            seeded.current(path).ifPresent(s -> retire(s, p.error().getMessage()));
            notPublic.put(path, Boolean.TRUE);
            return TorrentStatus.notBridged(path, "the site does not serve it publicly with byte ranges: " + p.error().getMessage());
        }
        notPublic.invalidate(path);
        OriginResource r = p.resource();
        if (r.length() < options.minSize()) {
            return TorrentStatus.notBridged(path, "smaller than the minimum of " + options.minSize() + " bytes");
        }
        String key = SiteProbe.key(path, r);
        Optional<SeededTorrents.Seeded> done = seeded.byKey(key);
        if (done.isPresent()) {
            return readyStatus(done.get());
        }
        Optional<HashJobs.Job> job = jobs.get(key);
        if (job.isPresent()) {
            return TorrentStatus.hashing(path, job.get().progress.get());
        }
        Optional<MetadataStore.Entry> stored = store.load(key).filter(e -> e.path().equals(path) && e.length() == r.length());
        if (stored.isPresent()) {
            return readyStatus(register(stored.get(), r));
        }
        Optional<io.github.torrenthttpbridge.torrent.HashProgress> elsewhere = shared.hashingElsewhere(key, path, r.length());
        if (elsewhere.isPresent()) {
            return TorrentStatus.hashing(path, elsewhere.get());
        }
        Optional<TorrentMetadata> made = premade.find(probe.originUrl(path), path, r.length());
        if (made.isPresent()) {
            MetadataStore.Entry e = MetadataStore.Entry.of(key, path, r, made.get());
            save(e);
            return readyStatus(register(e, r));
        }
        return startJob(path, key, r);
    }

    /** As {@link #status(String)}, waiting up to {@code wait} for a hashing job to finish. */
    public TorrentStatus await(String path, Duration wait) {
        TorrentStatus s = status(path);
        if (s.state() != TorrentStatus.State.HASHING || wait.isZero()) {
            return s;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<HashJobs.Job> job = jobs.forPath(path);
            long left = deadline - System.nanoTime();
            try {
                if (job.isPresent()) {
                    job.get().done.get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)), TimeUnit.MILLISECONDS);
                } else {
                    // hashed by another instance of the cluster: look again now and then
                    Thread.sleep(Math.max(1, Math.min(500, TimeUnit.NANOSECONDS.toMillis(left))));
                }
            } catch (TimeoutException | ExecutionException e) {
                // still hashing, or failed: status says which
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return status(path);
            }
            s = status(path);
            if (s.state() != TorrentStatus.State.HASHING || System.nanoTime() >= deadline) {
                return s;
            }
        }
    }

    /** The status of directory {@code dir}'s torrent (see {@link DirectoryTorrents}), as {@link #status} for a file. */
    private TorrentStatus directoryStatus(String dir) {
        Optional<HashJobs.Job> running = jobs.forPath(dir);
        if (running.isPresent()) {
            return TorrentStatus.hashing(dir, running.get().progress.get());  // not listed and probed again meanwhile
        }
        DirectoryTorrents.Scan scan = directories.scan(dir);
        if (scan.key() != null && seeded.byKey(scan.key()).filter(x -> x.handle().state() != SeedState.SEEDING).isPresent()
                && directories.forgetStale(scan)) {
            scan = directories.scan(dir);  // its torrent turned stale: a file changed, so look again now
        }
        Optional<SeededTorrents.Seeded> current = seeded.current(dir);
        if (scan.unsure() != null) {
            // a probe failed for a passing reason (a busy origin): neither a smaller torrent nor the end of this one
            Optional<SeededTorrents.Seeded> seeding = current.filter(s -> s.handle().state() == SeedState.SEEDING);
            return seeding.isPresent() ? readyStatus(seeding.get())
                    : new TorrentStatus(dir, TorrentStatus.State.BUSY, null, null, null, scan.unsure(), null);
        }
        if (current.isPresent() && !current.get().key().equals(scan.key())) {
            Optional<String> hidden = directories.notPublicNow(scan, current.get().handle().torrent());
            hidden.ifPresent(f -> retire(current.get(), f + " is no longer public"));
        }
        if (scan.refusal() != null) {
            if (scan.files().isEmpty() && scan.leftOut().values().stream().anyMatch(DirectoryTorrents.NOT_PUBLIC::equals)) {
                notPublic.put(dir, Boolean.TRUE);
            }
            return TorrentStatus.notBridged(dir, scan.refusal());
        }
        notPublic.invalidate(dir);
        TorrentStatus s = directoryStatus(scan);
        return scan.leftOut().isEmpty() || s.reason() != null ? s
                : new TorrentStatus(s.path(), s.state(), s.torrent(), s.handle(), s.progress(), scan.leftOutNote(), s.since());
    }

    private TorrentStatus directoryStatus(DirectoryTorrents.Scan scan) {
        String dir = scan.dir();
        Optional<SeededTorrents.Seeded> done = seeded.byKey(scan.key());
        if (done.isPresent()) {
            return readyStatus(done.get());
        }
        Optional<MetadataStore.Entry> stored = store.load(scan.key()).filter(e -> e.path().equals(dir));
        if (stored.isPresent()) {
            return readyStatus(register(stored.get(), null));
        }
        return startJob(dir, scan.key(), scan.bytes(), progress -> {
            MetadataStore.Entry e = directories.hash(scan, progress);
            save(e);
            register(e, null);
        }, e -> register(e, null));
    }

    private TorrentStatus startJob(String path, String key, OriginResource r) {
        return startJob(path, key, r.length(), progress -> hash(path, key, progress), e -> register(e, r));
    }

    private TorrentStatus startJob(String path, String key, long length, HashJobs.Work work,
                                   java.util.function.Consumer<MetadataStore.Entry> ifStored) {
        return hashing.start(path, key, length, work, ifStored);
    }

    private void clearPendingUnlessElsewhere(String key) {
        hashing.clearPendingUnlessElsewhere(key);
    }

    private static TorrentStatus busy(String path, SiteProbe.Result p) {
        return new TorrentStatus(path, TorrentStatus.State.BUSY, null, null, null,
                "the site did not answer the probe this time (" + p.error().getMessage() + "); try again later", null);
    }

    /**
     * Stops seeding {@code s} and forgets it (the metadata directory too, so no restart seeds it again): its file,
     * or one of its folder's files, is no longer served to the public.
     */
    private void retire(SeededTorrents.Seeded s, String why) {
        if (seeded.remove(s)) {
            bridge.remove(s.entry().infoHash());
            store.delete(s.key());
            known.byPath(s.path()).filter(k -> k.key().equals(s.key())).ifPresent(k -> known.remove(s.path(), k));
            LOG.info("{} is not public any more ({}): stopped seeding {}", s.path(), why, s.entry().infoHash());
        }
    }

    /**
     * Looks again, in the background, at the files of the torrents that have peers now: one whose file is no longer
     * public (protected after it was hashed) stops being seeded even if nobody asks for its torrent. A pass over the
     * seeded torrents' counters every {@link #RECHECK_EVERY}; the probes go to the preparer's bounded queue.
     */
    private void recheckActive() {
        for (SeededTorrents.Seeded s : seeded.all()) {
            if (s.handle() != null && s.handle().stats().peers() > 0) {
                probe.forget(s.path());
                preparer.prepare(s.path());
            }
        }
    }

    /** How often the files of torrents with peers are probed again. */
    static final Duration RECHECK_EVERY = Duration.ofSeconds(30);

    /** A hashing job's work: make the info, store it, register it. */
    private void hash(String path, String key, java.util.function.Consumer<io.github.torrenthttpbridge.torrent.HashProgress> progress) {
        try {
            URI url = probe.originUrl(path);
            LoggingProgress log = new LoggingProgress(path);
            CreatedTorrent created = bridge.createTorrent(url, TorrentCreator.Options.defaults().withPieceSize(options.pieceSize())
                    .withVersion(options.torrentVersion()), p -> {
                progress.accept(p);
                log.onProgress(p);
            });
            if (!key.equals(SiteProbe.key(path, created.origin()))) {
                throw new OriginException(url, "the file changed while it was hashed", true);
            }
            MetadataStore.Entry e = MetadataStore.Entry.of(key, path, created.origin(), created.torrent());
            save(e);
            register(e, created.origin());
        } catch (RuntimeException e) {
            probe.forget(path);
            throw e;
        }
    }

    /**
     * Whether {@code h} is the torrent of one of the site's files as far as the metadata directory says (stored by
     * this instance or another one sharing it); one not seeded here yet is prepared in the background, so a
     * leecher that announces to this instance's tracker finds this bridge seeding it soon.
     */
    public boolean knows(InfoHash h) {
        Optional<String> path = known.pathOf(h);
        if (path.isPresent() && !seeded.hasPath(path.get())) {
            preparer.prepare(path.get());
        }
        return path.isPresent();
    }

    /**
     * Takes in the torrents other instances sharing the metadata directory have stored since the last call (or
     * since start), and prepares them in the background, so every instance seeds every file of the cluster.
     *
     * @return how many were new
     */
    public int adoptStored() {
        int n = 0;
        for (MetadataStore.Entry e : known.adoptNew(store)) {
            if (seeded.byKey(e.key()).isEmpty()) {
                preparer.prepare(e.path());
                n++;
            }
        }
        return n;
    }

    /** Seeds every stored torrent not seeded yet, unprobed (checked on first use); how many are seeded now. */
    private int seedStoredAtOnce() {
        List<MetadataStore.Entry> entries;
        synchronized (this) {
            entries = storedAtStart;
            storedAtStart = List.of();   // held only until now
        }
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        // on all cores: registrations of different keys run concurrently anyway (requests for different files)
        entries.parallelStream().forEach(e -> {
            if (known.byPath(e.path()).filter(k -> k.key().equals(e.key())).isEmpty()) {
                return;   // replaced or dropped meanwhile
            }
            try {
                register(e, null, false);
                n.incrementAndGet();
            } catch (RuntimeException ex) {
                LOG.warn("cannot seed the stored torrent of {}: {}", e.path(), ex.toString());
            }
        });
        return n.get();
    }

    /** How often the metadata directory is looked at for torrents stored by other instances. */
    static final Duration ADOPT_EVERY = Duration.ofSeconds(10);

    private void save(MetadataStore.Entry e) {
        if (store.save(e)) {
            known.add(e);
        }
    }

    /**
     * Seeds a stored entry (dressed with the current trackers) and makes it its path's current torrent. One key is
     * registered by one thread at a time (the bridge refuses to start seeding an info hash twice at once): a
     * per-key lock, held across {@code bridge.seed} (which probes the origin), and checked again once held.
     */
    private SeededTorrents.Seeded register(MetadataStore.Entry e, OriginResource origin) {
        return register(e, origin, true);
    }

    /** @param probed whether the origin is asked first (false: a stored torrent after a restart, checked on first use) */
    private SeededTorrents.Seeded register(MetadataStore.Entry e, OriginResource origin, boolean probed) {
        Object lock = registering.computeIfAbsent(e.key(), k -> new Object());
        try {
            synchronized (lock) {
                Optional<SeededTorrents.Seeded> done = seeded.byKey(e.key()).filter(s -> s.handle().state() == SeedState.SEEDING);
                return done.isPresent() ? done.get() : seedAndPublish(e, origin, probed);
            }
        } finally {
            registering.remove(e.key(), lock);
        }
    }

    private SeededTorrents.Seeded seedAndPublish(MetadataStore.Entry e, OriginResource origin, boolean probed) {
        TorrentMetadata t = dress(e);
        boolean dir = e.path().endsWith("/");
        SeedHandle handle;
        if (dir) {
            handle = probed ? directories.seed(e.path(), t) : bridge.seedKnown(t, directories.known(e.path(), t));
        } else if (origin != null && SiteProbe.key(e.path(), origin).equals(e.key())) {
            handle = bridge.seedKnown(t, List.of(origin));   // just probed (or read whole by the hash): no need to ask again
        } else {
            handle = probed ? bridge.seed(probe.originUrl(e.path()), t, origin)
                    : bridge.seedKnown(t, List.of(new OriginResource(probe.originUrl(e.path()), e.length(), e.etag(), e.lastModified())));
        }
        Optional<SeededTorrents.Seeded> replaced = seeded.publish(new SeededTorrents.Seeded(e.path(), e, handle, clock.instant(),
                known.byPath(e.path()).filter(k -> k.key().equals(e.key())).orElseGet(() -> KnownTorrents.of(e))));   // one copy of the facts
        if (replaced.isPresent()) {
            SeededTorrents.Seeded old = replaced.get();
            if (!old.entry().infoHash().equals(e.infoHash())) {
                bridge.remove(old.entry().infoHash());
                LOG.info("{} changed: stopped seeding {}, now {}", e.path(), old.entry().infoHash(), e.infoHash());
            }
            store.delete(old.key());
        }
        return seeded.byKey(e.key()).orElseThrow();
    }

    /** The torrent around a stored info, with the current trackers and (public) web seed. */
    private TorrentMetadata dress(MetadataStore.Entry e) {
        return e.torrent(address.trackers(), webSeeds(e.path()));
    }

    private List<String> webSeeds(String path) {
        if (!options.webSeed()) {
            return List.of();
        }
        return List.of((path.endsWith("/") ? DirectoryTorrents.webSeed(probe, path) : probe.publicUrl(path)).toString());
    }

    private TorrentStatus readyStatus(SeededTorrents.Seeded s) {
        return TorrentStatus.ready(s.path(), dress(s.entry()), s.handle(), s.since());
    }

    /**
     * Whether the site answered, at the last probe within a few minutes, that the public cannot fetch {@code path}
     * (a file, or a directory none of whose files is public): pages then get no torrent links for it.
     */
    public boolean knownNotPublic(String path) {
        return notPublic.getIfPresent(path) != null;
    }

    /**
     * Starts making the torrent of {@code path} in the background if it is unknown (a page links to it, so
     * someone is likely to ask); bounded: extra requests are dropped.
     */
    public void prepare(String path) {
        if (!seeded.hasPath(path)) {
            preparer.prepare(path);
        }
    }

    /**
     * The magnet link of {@code path}'s torrent if one is known without probing: the one seeded, or after a
     * restart the one in the metadata directory (its file is checked when it is first requested or restored).
     * Empty while the site's address is not known yet.
     */
    public Optional<String> knownMagnet(String path) {
        try {
            Optional<SeededTorrents.Seeded> s = seeded.current(path);
            if (s.isPresent()) {
                return s.get().handle().state() == SeedState.SEEDING ? magnet(s.get()) : Optional.empty();
            }
            return known.byPath(path).map(k -> TorrentMetadata.magnetLink(k.hasV1() ? k.infoHash() : null, k.v2(), k.name(), k.length(),
                    address.trackers(), webSeeds(path)));
        } catch (IllegalStateException addressNotKnownYet) {
            return Optional.empty();
        }
    }

    /**
     * After a restart: seeds every stored torrent at once, without asking the origin (so peers are served from the
     * first second; see {@link TorrentBridge#seedKnown}), then looks at each file as a request would, one probe
     * each in the background on the probes' own client: an unchanged file keeps its torrent, a changed one gets a new
     * torrent, one no longer public is dropped. Also restarts hashing jobs that were running when the process
     * stopped.
     *
     * @return how many stored torrents were checked and kept
     */
    public int restore() {
        long started = System.nanoTime();
        int now = seedStoredAtOnce();
        LOG.info("seeding {} stored torrents from {} at once ({} ms); checking their files in the background", now,
                options.metadataDir(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        int restored = 0;
        for (Map.Entry<String, KnownTorrents.Known> k : known.all()) {
            String path = k.getKey();
            TorrentStatus s = status(path);
            if (s.state() == TorrentStatus.State.READY && seeded.current(path).map(SeededTorrents.Seeded::key)
                    .filter(k.getValue().key()::equals).isPresent()) {
                restored++;
            } else if (s.state() == TorrentStatus.State.NOT_BRIDGED) {   // a verdict; a busy site is asked again later
                store.delete(k.getValue().key());
                known.remove(path, k.getValue());
            }
        }
        int resumed = 0;
        for (Map.Entry<String, String> p : store.pending().entrySet()) {
            // a job that was running when the process stopped: start it again (a changed file gets a job under a
            // new key, and a finished one none, so this marker is then done with)
            status(p.getValue());
            if (jobs.get(p.getKey()).isPresent()) {
                resumed++;
            } else if (shared.claims().heldElsewhere(p.getKey()).isEmpty()) {
                store.clearPending(p.getKey());
            }   // else another instance (or this one before a crash, until its lease expires) holds it: watched
        }
        LOG.info("restored {} torrents from {}; restarted {} unfinished hashing jobs", restored, options.metadataDir(), resumed);
        return restored;
    }

    /**
     * One page of what is known: files being hashed and failed ones first, then the seeded torrents (see {@link
     * TorrentListing}). Costs a walk over the seeded paths (or, sorted by bytes uploaded, a sort of the matching
     * torrents' figures) and a magnet link per row shown; no torrent is read, decoded or hashed.
     */
    public TorrentListing list(TorrentListing.Query q) {
        java.util.function.Predicate<String> match = q.matcher();
        List<TorrentListing.Row> others = new ArrayList<>();
        List<HashJobs.Job> running = jobs.running();
        java.util.Set<String> runningKeys = new java.util.HashSet<>();
        for (HashJobs.Job j : running) {
            runningKeys.add(j.key);
            if (match == null || match.test(j.path)) {
                others.add(new TorrentListing.Row(j.path, TorrentStatus.State.HASHING, null, j.progress.get(), null, null, null, 0, null));
            }
        }
        Map<String, String> failures = jobs.failures();
        int failed = 0;
        for (Map.Entry<String, String> f : failures.entrySet()) {
            String key = f.getKey();
            if (seeded.contains(key) || runningKeys.contains(key)) {
                continue;
            }
            failed++;
            String label = "(key " + key.substring(0, 8) + ")";
            if (match == null || match.test(label)) {
                others.add(new TorrentListing.Row(label, TorrentStatus.State.FAILED, null, null, f.getValue(), null, null, 0, null));
            }
        }
        others.sort(Comparator.comparing(TorrentListing.Row::path));
        int offset = q.offset();
        int m = others.size();
        List<TorrentListing.Row> rows = new ArrayList<>(others.subList(Math.min(offset, m), Math.min(offset + q.pageSize(), m)));
        int seededOffset = Math.max(0, offset - m);
        int limit = q.pageSize() - rows.size();
        int seededMatching;
        List<SeededTorrents.Seeded> page;
        if (q.sort() == TorrentListing.Sort.PATH) {
            SeededTorrents.Slice slice = seeded.slice(match, seededOffset, limit);
            page = slice.rows();
            seededMatching = slice.matching();
        } else {
            List<SeededTorrents.Seeded> all = seeded.matching(match);
            seededMatching = all.size();
            page = mostUploaded(all, seededOffset, limit);
        }
        for (SeededTorrents.Seeded s : page) {
            rows.add(new TorrentListing.Row(s.path(), TorrentStatus.State.READY, s.handle(), null, null, s.since(),
                    s.entry().infoHash(), s.entry().length(), magnet(s).orElse(null)));
        }
        int total = seeded.size();
        return new TorrentListing(rows, m + seededMatching, total + running.size() + failed, total, seeded.bytes(), q);
    }

    /** Rows {@code offset} to {@code offset + limit} of {@code all} by bytes uploaded, most first (then by path). */
    private static List<SeededTorrents.Seeded> mostUploaded(List<SeededTorrents.Seeded> all, int offset, int limit) {
        long[] up = new long[all.size()];
        Integer[] order = new Integer[all.size()];
        for (int i = 0; i < up.length; i++) {
            SeedHandle h = all.get(i).handle();
            up[i] = h == null ? -1 : h.stats().uploaded();
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> up[a] != up[b] ? Long.compare(up[b], up[a]) : Integer.compare(a, b));  // all is in path order
        List<SeededTorrents.Seeded> out = new ArrayList<>();
        for (int i = offset; i < Math.min(order.length, offset + limit); i++) {
            out.add(all.get(order[i]));
        }
        return out;
    }

    /** A seeded torrent's magnet link, with the current trackers and web seed, from facts kept in memory. */
    private Optional<String> magnet(SeededTorrents.Seeded s) {
        try {
            KnownTorrents.Known k = s.facts();
            return Optional.of(TorrentMetadata.magnetLink(k.hasV1() ? k.infoHash() : null, k.v2(), k.name(), k.length(),
                    address.trackers(), webSeeds(s.path())));
        } catch (IllegalStateException addressNotKnownYet) {
            return Optional.empty();
        }
    }

    /** How many hashing jobs have been started since creation. */
    public long hashJobsStarted() {
        return jobs.started();
    }

    /**
     * How many files this instance has actually hashed (claimed in the shared metadata directory and read from the
     * origin) since creation; a job that found another instance hashing the file does not count.
     */
    public long hashesRun() {
        return hashing.hashesRun();
    }

    /** Files that other instances of the cluster are hashing, as far as this one has seen. */
    public int hashingElsewhere() {
        return shared.watching();
    }

    /** Counts a client's range request for a bridged file (a web seed, BEP 19, or a download manager). */
    public void countWebseedRequest(String path) {
        if (seeded.hasPath(path)) {
            webseedRequests.computeIfAbsent(path, p -> new LongAdder()).increment();
            webseedRequestsTotal.increment();
        }
    }

    public long webseedRequests(String path) {
        LongAdder a = webseedRequests.get(path);
        return a == null ? 0 : a.sum();
    }

    /** Range requests counted by {@link #countWebseedRequest} since start, for all files. */
    public long webseedRequestsTotal() {
        return webseedRequestsTotal.sum();
    }

    /** Bytes read and hashed by background jobs since start. */
    public long bytesHashed() {
        return hashing.bytesHashed();
    }

    /** Hashing jobs started and not finished: running or waiting for a free hasher. */
    public int hashJobs() {
        return jobs.running().size();
    }

    /** Hashing jobs waiting for a free hasher. */
    public int hashQueueLength() {
        return jobs.queued();
    }

    /** Files whose last hashing attempt failed (a later request tries again). */
    public int failedCount() {
        return jobs.failures().size();
    }

    @Override
    public void close() {
        preparer.close();
        shared.close();
        jobs.close();
        probe.close();
    }
}
