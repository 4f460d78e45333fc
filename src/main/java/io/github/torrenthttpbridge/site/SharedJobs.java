package io.github.torrenthttpbridge.site;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.torrenthttpbridge.torrent.HashProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster side of hashing: the claims this instance holds (renewed, with their progress, on a timer) and the
 * files other instances are hashing (watched on the same timer, so that when their metadata appears it is loaded, and
 * when their holder died its claim is taken over, even if nobody asks again). One daemon thread.
 *
 * <p>Locking: the two maps are concurrent; the timer calls {@code recheck} (which takes {@link SiteTorrents}' own
 * short locks) outside any lock of this class.
 */
final class SharedJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedJobs.class);

    /** Thrown into a hashing job whose claim another instance took over: it stops. */
    static final class ClaimLostException extends RuntimeException {
        ClaimLostException(String path) {
            super("another instance took over the hashing of " + path + " (this one did not renew its claim in time)");
        }
    }

    /** A claim held by this instance, and whether it is still ours. */
    static final class Held {
        final HashClaims.Claim claim;
        volatile boolean lost;

        Held(HashClaims.Claim claim) {
            this.claim = claim;
        }

        /** Records progress; throws {@link ClaimLostException} once the claim is no longer ours. */
        void progress(HashProgress p) {
            if (lost) {
                throw new ClaimLostException(claim.path);
            }
            claim.progress(p.bytesDone());
        }
    }

    private final HashClaims claims;
    private final Set<Held> held = ConcurrentHashMap.newKeySet();
    private final Map<String, String> watched = new ConcurrentHashMap<>();   // key -> path, hashed elsewhere
    private final ScheduledExecutorService timer;

    /**
     * @param recheck asks for a path's status again (loads stored metadata, or takes an expired claim over); must not
     *                block (it runs on the thread that renews the claims)
     */
    SharedJobs(HashClaims claims, Consumer<String> recheck) {
        this.claims = claims;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "torrent-hash-claims");
            t.setDaemon(true);
            return t;
        });
        long period = period(claims.lease()).toMillis();
        timer.scheduleWithFixedDelay(() -> tick(recheck), period, period, TimeUnit.MILLISECONDS);
    }

    /** How often claims are renewed and watched files looked at. */
    static Duration period(Duration lease) {
        return Duration.ofMillis(Math.max(100, Math.min(2000, lease.toMillis() / 4)));
    }

    HashClaims claims() {
        return claims;
    }

    /**
     * The progress of another instance hashing {@code key}, if one holds a live claim on it; the key is then watched.
     */
    Optional<HashProgress> hashingElsewhere(String key, String path, long length) {
        Optional<HashClaims.Holder> h = claims.heldElsewhere(key);
        if (h.isEmpty()) {
            return Optional.empty();
        }
        watched.put(key, path);
        long total = h.get().bytesTotal() > 0 ? h.get().bytesTotal() : length;
        return Optional.of(new HashProgress(Math.min(h.get().bytesDone(), total), total, 0));
    }

    /** Claims {@code key} for this instance (renewed until {@link #release}); empty when another instance has it. */
    Optional<Held> claim(String key, String path, long length) {
        Optional<HashClaims.Claim> c = claims.claim(key, path, length);
        if (c.isEmpty()) {
            return Optional.empty();
        }
        watched.remove(key);
        Held h = new Held(c.get());
        held.add(h);
        return Optional.of(h);
    }

    /** Stops renewing a claim and deletes it (unless it was taken over). */
    void release(Held h) {
        held.remove(h);
        h.claim.release();
    }

    /** Runs {@code task} every {@code period} on this class's thread (failures are logged, the next run comes). */
    void every(Duration period, Runnable task) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("periodic task failed: {}", e.toString());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Files hashed elsewhere that this instance watches. */
    int watching() {
        return watched.size();
    }

    private void tick(Consumer<String> recheck) {
        for (Held h : held) {
            try {
                if (!h.lost && !h.claim.renew()) {
                    h.lost = true;
                    LOG.warn("lost the hashing claim of {}: another instance took it over", h.claim.path);
                }
            } catch (RuntimeException e) {
                LOG.warn("renewing the hashing claim of {} failed: {}", h.claim.path, e.toString());
            }
        }
        for (Map.Entry<String, String> w : List.copyOf(watched.entrySet())) {
            try {
                if (claims.heldElsewhere(w.getKey()).isEmpty()) {
                    watched.remove(w.getKey(), w.getValue());
                    recheck.accept(w.getValue());   // stored by now (loaded), or its holder died (taken over)
                }
            } catch (RuntimeException e) {
                LOG.debug("looking again at {} failed: {}", w.getValue(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
