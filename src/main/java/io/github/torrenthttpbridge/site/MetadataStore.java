package io.github.torrenthttpbridge.site;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.torrent.InvalidTorrentException;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata directory: for each file version (a key: path + length + validator) what can never change, its
 * bencoded {@code info} dictionary ({@code KEY.info}) and the key's parts ({@code KEY.properties}); trackers and
 * web seeds are not stored (they come from the current configuration). Also the markers of running hashing jobs
 * ({@code KEY.pending}), so a process killed mid-hash restarts them.
 *
 * <p>Files written by release 0.1 ({@code KEY.torrent}: a whole torrent) still load; their {@code info} is
 * taken from them and they are rewritten in the new form on first load.
 *
 * <p>Locking: none. Every file is written atomically (a temporary file renamed over the target), properties
 * last, so a reader sees a complete entry or none; temporary files of a process that died mid-write are removed
 * on construction. The directory may be shared by several instances of a site (a cluster, e.g. over NFS): who
 * hashes a file is decided by {@link HashClaims}, whose {@code KEY.claim.N} files live here too. The caller (one hashing job or registration per key at a time) avoids concurrent writers of
 * one key; two writers of the same key would write the same bytes anyway.
 */
final class MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataStore.class);

    /** One stored file version. */
    record Entry(String key, String path, long length, String etag, String lastModified, byte[] info, InfoHash infoHash,
                 String name, byte[] layers) {
        Entry {
            info = info.clone();
            layers = layers == null ? new byte[0] : layers.clone();
        }

        /** An entry of a v1 torrent (no piece layers). */
        Entry(String key, String path, long length, String etag, String lastModified, byte[] info, InfoHash infoHash,
              String name) {
            this(key, path, length, etag, lastModified, info, infoHash, name, null);
        }

        /** The entry for a file version whose torrent is {@code t}. */
        static Entry of(String key, String path, io.github.torrenthttpbridge.origin.OriginResource r, TorrentMetadata t) {
            return new Entry(key, path, r.length(), r.etag(), r.lastModified(), t.infoBytes(), t.infoHash(), t.name(),
                    StoredLayers.encode(t));
        }

        @Override
        public byte[] info() {
            return info.clone();
        }

        /** The bencoded {@code piece layers} of a v2 or hybrid torrent (empty for v1). */
        @Override
        public byte[] layers() {
            return layers.clone();
        }

        /** The torrent with these trackers and web seeds around the stored {@code info} (and piece layers). */
        TorrentMetadata torrent(List<String> trackers, List<String> webSeeds) {
            return StoredLayers.torrent(info, layers, TorrentCreator.Options.defaults().withTrackers(trackers).withWebSeeds(webSeeds));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && key.equals(e.key) && path.equals(e.path) && length == e.length
                    && java.util.Objects.equals(etag, e.etag) && java.util.Objects.equals(lastModified, e.lastModified)
                    && Arrays.equals(info, e.info) && Arrays.equals(layers, e.layers);
        }

        @Override
        public int hashCode() {
            return key.hashCode();
        }

        @Override
        public String toString() {
            return "Entry[" + key + " " + path + " " + length + " bytes, " + infoHash.hex() + "]";
        }
    }

    /** Temporary files older than this are leftovers of a process that died mid-write (a write takes milliseconds). */
    static final long LEFTOVER_AGE_MILLIS = 10 * 60 * 1000;

    /**
     * How often the directory is measured again in full (other instances sharing it write too); between two
     * measurements the bytes used are tracked from this instance's own writes and deletes, so a save costs O(1).
     */
    static final java.time.Duration RECOUNT_EVERY = java.time.Duration.ofMinutes(10);

    private final Path dir;
    private final long maxBytes;
    private final java.time.Clock clock;
    private final java.util.concurrent.atomic.AtomicLong used = new java.util.concurrent.atomic.AtomicLong();
    private volatile java.time.Instant countedAt;

    /**
     * Creates the directory if needed and removes half-written files of a process that died mid-write (those older
     * than {@link #LEFTOVER_AGE_MILLIS}: the directory may be shared with other instances writing right now).
     */
    MetadataStore(Path dir, long maxBytes) {
        this(dir, maxBytes, java.time.Clock.systemUTC());
    }

    MetadataStore(Path dir, long maxBytes, java.time.Clock clock) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.clock = clock;
        try {
            Files.createDirectories(dir);
            // the directory may be shared by a cluster: only files far older than any write in progress
            long before = System.currentTimeMillis() - LEFTOVER_AGE_MILLIS;
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, ".tmp-*.part")) {
                for (Path f : leftovers) {
                    try {
                        if (Files.getLastModifiedTime(f).toMillis() < before) {
                            Files.deleteIfExists(f);
                        }
                    } catch (NoSuchFileException gone) {
                        // another instance removed it
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the metadata directory " + dir, e);
        }
        recount();
    }

    Path dir() {
        return dir;
    }

    /**
     * Every entry that loads, in key order; unreadable ones are logged and deleted. Read on all cores (each entry is
     * its own files: a restart of a mirror reads and checks 100,000 of them).
     */
    List<Entry> loadAll() {
        return keys(".properties").parallelStream().map(this::load).flatMap(Optional::stream).toList();
    }

    /** The entry for {@code key}, if stored and readable (an unreadable one is logged and deleted). */
    Optional<Entry> load(String key) {
        Path props = file(key, ".properties");
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(props)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", props, e.toString());
            return Optional.empty();
        }
        try {
            String path = required(p, "path");
            long length = Long.parseLong(required(p, "length"));
            byte[] info;
            Path infoFile = file(key, ".info");
            Path oldTorrent = file(key, ".torrent");
            boolean migrate = false;
            if (Files.isRegularFile(infoFile)) {
                info = Files.readAllBytes(infoFile);
            } else if (Files.isRegularFile(oldTorrent)) {
                info = TorrentMetadata.parse(Files.readAllBytes(oldTorrent)).infoBytes();  // written by release 0.1
                migrate = true;
            } else {
                throw new InvalidTorrentException("neither " + infoFile.getFileName() + " nor " + oldTorrent.getFileName() + " exists");
            }
            Path layersFile = file(key, ".layers");
            byte[] layers = Files.isRegularFile(layersFile) ? Files.readAllBytes(layersFile) : new byte[0];
            TorrentMetadata t = StoredLayers.torrent(info, layers, TorrentCreator.Options.defaults());
            if (t.length() != length) {
                throw new InvalidTorrentException("length " + t.length() + " differs from the recorded " + length);
            }
            String hash = p.getProperty("infohash");
            if (hash != null && !hash.equalsIgnoreCase(t.infoHash().hex())) {
                throw new InvalidTorrentException("info hash " + t.infoHash().hex() + " differs from the recorded " + hash);
            }
            Entry e = new Entry(key, path, length, p.getProperty("etag"), p.getProperty("lastModified"), info, t.infoHash(), t.name(), layers);
            if (migrate) {
                write(e);
                LOG.info("converted {} to the info-only form ({}.info)", oldTorrent.getFileName(), key);
            }
            return Optional.of(e);
        } catch (IOException | RuntimeException ex) {
            LOG.warn("ignoring stored metadata {} : {}", props, ex.getMessage());
            delete(key);
            return Optional.empty();
        }
    }

    private static String required(Properties p, String name) {
        String v = p.getProperty(name);
        if (v == null) {
            throw new InvalidTorrentException("no '" + name + "'");
        }
        return v;
    }

    /**
     * Stores an entry unless the directory would exceed its cap (then logs why and returns false: the torrent
     * is hashed again after a restart).
     */
    boolean save(Entry e) {
        long used = bytesUsed();
        if (used + e.info.length + e.layers.length + 1024 > maxBytes) {
            LOG.warn("not persisting the torrent of {}: the metadata directory {} holds {} bytes, its cap is {}"
                    + " (torrent-bridge.metadata-max-mib); it will be hashed again after a restart", e.path(), dir, used, maxBytes);
            return false;
        }
        try {
            write(e);
            return true;
        } catch (IOException ex) {
            LOG.warn("cannot persist the torrent of {} in {}: {}", e.path(), dir, ex.toString());
            return false;
        }
    }

    private void write(Entry e) throws IOException {
        writeCounted(file(e.key(), ".info"), e.info);
        if (e.layers.length > 0) {
            writeCounted(file(e.key(), ".layers"), e.layers);
        }
        Properties p = new Properties();
        p.setProperty("path", e.path());
        p.setProperty("length", Long.toString(e.length()));
        p.setProperty("infohash", e.infoHash().hex());
        if (e.etag() != null) {
            p.setProperty("etag", e.etag());
        }
        if (e.lastModified() != null) {
            p.setProperty("lastModified", e.lastModified());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.store(out, "torrent-http-bridge metadata: the info dictionary is in " + e.key() + ".info");
        writeCounted(file(e.key(), ".properties"), out.toByteArray());
        deleteCounted(file(e.key(), ".torrent"));
    }

    /** Writes a file (atomically) and counts the bytes it adds: one stat, no listing. */
    private void writeCounted(Path f, byte[] bytes) throws IOException {
        long before = sizeOrZero(f);
        AtomicFiles.write(f, bytes);
        used.addAndGet(bytes.length - before);
    }

    private void deleteCounted(Path f) {
        long before = sizeOrZero(f);
        try {
            if (Files.deleteIfExists(f)) {
                used.addAndGet(-before);
            }
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", f, e.toString());
        }
    }

    private static long sizeOrZero(Path f) {
        try {
            return Files.size(f);
        } catch (IOException absent) {
            return 0;
        }
    }

    /** Forgets an entry. */
    void delete(String key) {
        deleteCounted(file(key, ".properties"));
        deleteCounted(file(key, ".info"));
        deleteCounted(file(key, ".layers"));
        deleteCounted(file(key, ".torrent"));
    }

    /** Records that a hashing job for {@code key} runs (best effort). */
    void markPending(String key, String path) {
        try {
            AtomicFiles.write(file(key, ".pending"), path.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("cannot record the hashing job of {}: {}", path, e.toString());
        }
    }

    void clearPending(String key) {
        deleteQuietly(file(key, ".pending"));
    }

    /** Hashing jobs that were running when the process stopped: key to path. */
    Map<String, String> pending() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : keys(".pending")) {
            try {
                String path = Files.readString(file(key, ".pending"), StandardCharsets.UTF_8).strip();
                if (path.startsWith("/")) {
                    out.put(key, path);
                } else {
                    clearPending(key);
                }
            } catch (IOException e) {
                LOG.debug("cannot read the hashing marker {}: {}", key, e.toString());
            }
        }
        return out;
    }

    /** The keys of the stored entries (their properties files), without reading them. */
    List<String> storedKeys() {
        return keys(".properties");
    }

    /**
     * Bytes used by the directory: measured in full at start and every {@link #RECOUNT_EVERY} (one listing), in
     * between tracked from this instance's writes and deletes.
     */
    long bytesUsed() {
        java.time.Instant at = countedAt;
        if (at == null || !clock.instant().isBefore(at.plus(RECOUNT_EVERY))) {
            recount();
        }
        return used.get();
    }

    private void recount() {
        countedAt = clock.instant();
        used.set(measure());
    }

    private long measure() {
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                try {
                    total += Files.size(f);
                } catch (NoSuchFileException gone) {
                    // deleted meanwhile
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot measure {}: {}", dir, e.toString());
        }
        return total;
    }

    private List<String> keys(String suffix) {
        List<String> keys = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + suffix)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String key = name.substring(0, name.length() - suffix.length());
                if (key.matches("[0-9a-f]{32}")) {
                    keys.add(key);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read the metadata directory {}: {}", dir, e.toString());
        }
        keys.sort(null);
        return keys;
    }

    private Path file(String key, String suffix) {
        if (!key.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("not a metadata key: " + key);
        }
        return dir.resolve(key + suffix);
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", f, e.toString());
        }
    }
}
