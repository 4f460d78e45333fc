package io.github.torrenthttpbridge.site;

import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import io.github.torrenthttpbridge.torrent.HashProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a hashing job under this instance's claim of its key in the (possibly shared) metadata directory: queued in
 * {@link HashJobs}, claimed through {@link SharedJobs} (or left to the instance that holds the claim), and, when
 * another instance stored the torrent meanwhile, that one registered instead of hashing again. Counts what it ran.
 */
final class ClaimedHashing {
    private static final Logger LOG = LoggerFactory.getLogger(ClaimedHashing.class);

    private final MetadataStore store;
    private final HashJobs jobs;
    private final SharedJobs shared;
    private final LongAdder hashesRun = new LongAdder();
    private final LongAdder bytesHashed = new LongAdder();

    ClaimedHashing(MetadataStore store, HashJobs jobs, SharedJobs shared) {
        this.store = store;
        this.jobs = jobs;
        this.shared = shared;
    }

    /**
     * Queues {@code work} (hash, store, register) for {@code key}, to run under this instance's claim of it in the
     * shared metadata directory; {@code ifStored} registers what another instance stored meanwhile instead.
     */
    TorrentStatus start(String path, String key, long length, HashJobs.Work work, Consumer<MetadataStore.Entry> ifStored) {
        store.markPending(key, path);
        HashJobs.Submitted s = jobs.submit(key, path, length,
                progress -> claimAndHash(path, key, length, work, ifStored, progress),
                () -> clearPendingUnlessElsewhere(key));
        return switch (s.outcome()) {
            case QUEUE_FULL -> {
                clearPendingUnlessElsewhere(key);
                yield new TorrentStatus(path, TorrentStatus.State.BUSY, null, null, null,
                        "too many files are being hashed; try again later", null);
            }
            case STARTED, ALREADY_RUNNING -> TorrentStatus.hashing(path, s.job().progress.get());
        };
    }

    /** The pending marker is shared by the cluster: it stays while another instance hashes the file. */
    void clearPendingUnlessElsewhere(String key) {
        if (shared.claims().heldElsewhere(key).isEmpty()) {
            store.clearPending(key);
        }
    }

    /**
     * A job's work: claim the file for this instance in the shared metadata directory (another instance may hold
     * it: then this job ends and the status shows that instance's progress), look once more whether its metadata
     * was stored meanwhile, hash it while the claim is renewed, release the claim.
     */
    private void claimAndHash(String path, String key, long length, HashJobs.Work work,
                              Consumer<MetadataStore.Entry> ifStored,
                              Consumer<HashProgress> progress)
            throws Exception {
        Optional<SharedJobs.Held> claim = shared.claim(key, path, length);
        if (claim.isEmpty()) {
            LOG.info("{} is being hashed by another instance of the cluster", path);
            return;
        }
        try {
            // (a directory's key names every file's length and validator already; its entry holds the piece space's length)
            Optional<MetadataStore.Entry> stored = store.load(key)
                    .filter(e -> e.path().equals(path) && (path.endsWith("/") || e.length() == length));
            if (stored.isPresent()) {
                ifStored.accept(stored.get());   // another instance finished it just before our claim
                return;
            }
            hashesRun.increment();
            long[] counted = {0};
            work.run(p -> {
                claim.get().progress(p);
                progress.accept(p);
                bytesHashed.add(p.bytesDone() - counted[0]);
                counted[0] = p.bytesDone();
            });
        } finally {
            shared.release(claim.get());
        }
    }

    /** Files this instance hashed itself (claimed and read from the origin). */
    long hashesRun() {
        return hashesRun.sum();
    }

    /** Bytes read and hashed by this instance's jobs. */
    long bytesHashed() {
        return bytesHashed.sum();
    }
}
