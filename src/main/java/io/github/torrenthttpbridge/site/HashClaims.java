package io.github.torrenthttpbridge.site;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who hashes which file in a cluster of bridges sharing one metadata directory (e.g. on NFS), with files only: no
 * database, no lock server. A claim on a key is a small file {@code KEY.claim.N} (its holder's instance id, the
 * path, the lease's expiry, the hashing progress). Generation {@code N} starts at 1; the claim in force is the one
 * with the highest generation. A file is created atomically with its content (written to a temporary file, then
 * hard-linked to its name, which fails if the name exists), so two instances can never both create the same
 * generation, and a reader never sees half a claim.
 *
 * <ul>
 *   <li>{@link #claim}: no claim file → create generation 1; the highest generation's lease expired (its holder
 *       died, or an unreadable file older than a lease) → create the next generation (a takeover: of several
 *       instances trying, exactly one succeeds); otherwise the claim is someone else's.</li>
 *   <li>{@link Claim#renew}: the holder rewrites its own file (temporary file + atomic rename) with a new expiry and
 *       its progress, after checking no newer generation exists; when one does, the claim was taken over (this
 *       instance was too slow to renew) and the holder must stop.</li>
 *   <li>{@link Claim#release}: after the metadata was stored (or the job failed), every generation up to the
 *       holder's is deleted, lowest first.</li>
 * </ul>
 *
 * <p>Expiry compares a lease written by one machine with the clock of another: the machines' clocks must agree to
 * well within a lease (NTP). Locking: none in this class; each instance holds at most one {@link Claim} per key
 * (its {@link HashJobs} runs one job per key) and only the holder writes its generation's file.
 */
final class HashClaims {
    private static final Logger LOG = LoggerFactory.getLogger(HashClaims.class);
    /** Generations probed at most (a takeover chain this long means something is badly wrong). */
    static final int MAX_GENERATIONS = 1000;
    private static final java.security.SecureRandom NONCES = new java.security.SecureRandom();

    /** What a claim file says (any field may be missing in a damaged file). */
    record Holder(String instance, String nonce, String path, long expiresAtMillis, long bytesDone, long bytesTotal,
                  int generation) {
    }

    private final Path dir;
    private final String instanceId;
    private final Duration lease;
    private final Clock clock;

    HashClaims(Path dir, String instanceId, Duration lease, Clock clock) {
        if (!instanceId.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("bad instance id: " + instanceId);
        }
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("the lease must be positive, got " + lease);
        }
        this.dir = dir;
        this.instanceId = instanceId;
        this.lease = lease;
        this.clock = clock;
    }

    String instanceId() {
        return instanceId;
    }

    Duration lease() {
        return lease;
    }

    /** The claim in force on {@code key}, if any (expired or not): the highest generation's file. */
    Optional<Holder> current(String key) {
        int top = highestGeneration(key);
        return top == 0 ? Optional.empty() : Optional.of(read(key, top));
    }

    /** Whether {@code h} is still in force: its lease has not expired. */
    boolean live(Holder h) {
        return h.expiresAtMillis() > clock.millis();
    }

    /** The claim in force on {@code key} if it is someone else's and live: that instance is hashing it. */
    Optional<Holder> heldElsewhere(String key) {
        return current(key).filter(h -> live(h) && !instanceId.equals(h.instance()));
    }

    /**
     * Claims {@code key} for this instance: creates generation 1, or the next one when the current claim expired.
     * Empty when another instance holds a live claim, or lost the race to create the generation.
     */
    Optional<Claim> claim(String key, String path, long length) {
        int top = highestGeneration(key);
        if (top >= MAX_GENERATIONS) {
            LOG.warn("{} has {} hashing claims: not claiming it again", path, top);
            return Optional.empty();
        }
        if (top > 0) {
            Holder h = read(key, top);
            if (live(h)) {
                return Optional.empty();
            }
            LOG.info("taking over the hashing of {} from {} (its lease expired {} ms ago)", path,
                    h.instance() == null ? "an unreadable claim" : h.instance(), clock.millis() - h.expiresAtMillis());
        }
        int gen = top + 1;
        Claim c = new Claim(key, path, length, gen);
        try {
            createExclusive(file(key, gen), c.content(0));
            return Optional.of(c);
        } catch (FileAlreadyExistsException lost) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("cannot claim the hashing of {} in {}: {}", path, dir, e.toString());
            return Optional.empty();
        }
    }

    /** A claim this instance holds. */
    final class Claim {
        final String key;
        final String path;
        final long length;
        final int generation;
        /** Tells this claim's file from any other with the same name (a later claim after a release). */
        private final String nonce = Long.toHexString(NONCES.nextLong());
        private volatile long bytesDone;

        private Claim(String key, String path, long length, int generation) {
            this.key = key;
            this.path = path;
            this.length = length;
            this.generation = generation;
        }

        private byte[] content(long done) throws IOException {
            Properties p = new Properties();
            p.setProperty("instance", instanceId);
            p.setProperty("claim", nonce);
            p.setProperty("path", path);
            p.setProperty("expires", Long.toString(clock.millis() + lease.toMillis()));
            p.setProperty("bytesDone", Long.toString(done));
            p.setProperty("bytesTotal", Long.toString(length));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.store(out, "torrent-http-bridge: hashing claim (generation " + generation + ")");
            return out.toByteArray();
        }

        void progress(long done) {
            bytesDone = done;
        }

        /**
         * Extends the lease and publishes the progress. False when the claim is no longer ours (a newer generation
         * exists: another instance took it over after our lease expired, or our file is gone): stop hashing.
         */
        boolean renew() {
            if (!stillOurs()) {
                return false;
            }
            try {
                AtomicFiles.write(file(key, generation), content(bytesDone));
                return true;
            } catch (IOException e) {
                LOG.warn("cannot renew the hashing claim of {}: {}", path, e.toString());
                return true;  // still ours as far as we know; the next renewal tries again
            }
        }

        /** Our generation is the highest and its file is still ours. */
        boolean stillOurs() {
            return !Files.exists(file(key, generation + 1)) && nonce.equals(read(key, generation).nonce());
        }

        /**
         * Deletes every generation up to ours, lowest first (the metadata is stored, or the job ended); nothing when
         * the claim was taken over (the newer holder cleans up).
         */
        void release() {
            if (!stillOurs()) {
                return;
            }
            for (int g = 1; g <= generation; g++) {
                try {
                    Files.deleteIfExists(file(key, g));
                } catch (IOException e) {
                    LOG.debug("cannot delete the claim {}: {}", file(key, g), e.toString());
                }
            }
        }
    }

    private int highestGeneration(String key) {
        int g = 0;
        while (g < MAX_GENERATIONS && Files.exists(file(key, g + 1))) {
            g++;
        }
        return g;
    }

    /**
     * Reads a claim file. A damaged one (partial, garbage: e.g. written through a file system without hard links and
     * cut short) counts as live until a lease after its last modification, then as expired.
     */
    private Holder read(String key, int gen) {
        Path f = file(key, gen);
        try {
            String text = Files.readString(f, StandardCharsets.ISO_8859_1);
            Properties p = new Properties();
            p.load(new StringReader(text));
            String instance = p.getProperty("instance");
            String expires = p.getProperty("expires");
            if (instance != null && expires != null) {
                return new Holder(instance, p.getProperty("claim"), p.getProperty("path"), Long.parseLong(expires.trim()),
                        number(p.getProperty("bytesDone")), number(p.getProperty("bytesTotal")), gen);
            }
        } catch (NoSuchFileException gone) {
            return new Holder(null, null, null, 0, 0, 0, gen);  // released meanwhile: expired
        } catch (IOException | RuntimeException damaged) {
            LOG.debug("unreadable hashing claim {}: {}", f, damaged.toString());
        }
        long modified;
        try {
            modified = Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            modified = 0;
        }
        return new Holder(null, null, null, modified + lease.toMillis(), 0, 0, gen);
    }

    private static long number(String s) {
        try {
            return s == null ? 0 : Math.max(0, Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private Path file(String key, int gen) {
        if (!key.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("not a metadata key: " + key);
        }
        return dir.resolve(key + ".claim." + gen);
    }

    /** Creates {@code target} with {@code bytes}, atomically, failing if it exists. */
    private static void createExclusive(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
        try {
            Files.write(tmp, bytes);
            try {
                Files.createLink(target, tmp);
            } catch (UnsupportedOperationException noLinks) {
                // no hard links here: exclusive creation, then the content (a reader may see it partial: see read())
                Files.write(target, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
