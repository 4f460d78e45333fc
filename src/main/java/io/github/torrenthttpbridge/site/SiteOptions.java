package io.github.torrenthttpbridge.site;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import io.github.torrenthttpbridge.settings.Settings;
import io.github.torrenthttpbridge.torrent.PieceSize;
import io.github.torrenthttpbridge.torrent.TorrentVersion;

/**
 * How a site's files become torrents: an immutable value made by {@link #builder(Path)}, which checks each
 * setting with its row of the settings table ({@link Settings}: the same defaults and ranges as the
 * {@code torrent-bridge.*} parameters). Where the site is (origin, public URL, trackers) is not here but in {@link SiteAddress}, because it
 * may change between runs and is never stored.
 */
public final class SiteOptions {
    private final Path metadataDir;
    private final long minSize;
    private final int pieceSize;
    private final boolean webSeed;
    private final int hashJobs;
    private final int hashQueue;
    private final Duration probeTtl;
    private final long metadataMaxBytes;
    private final int maxFolderFiles;
    private final long maxFolderBytes;
    private final TorrentVersion torrentVersion;
    private final String instanceId;
    private final Duration hashLease;

    private SiteOptions(Builder b) {
        this.metadataDir = b.metadataDir;
        this.minSize = b.minSize;
        this.pieceSize = b.pieceSize;
        this.webSeed = b.webSeed;
        this.hashJobs = b.hashJobs;
        this.hashQueue = b.hashQueue;
        this.probeTtl = b.probeTtl;
        this.metadataMaxBytes = b.metadataMaxBytes;
        this.maxFolderFiles = b.maxFolderFiles;
        this.maxFolderBytes = b.maxFolderBytes;
        this.torrentVersion = b.torrentVersion;
        this.instanceId = b.instanceId != null ? b.instanceId : newInstanceId();
        this.hashLease = b.hashLease;
    }

    /** host-pid-random: unique among the instances sharing a metadata directory, readable in their claim files. */
    private static String newInstanceId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            host = "host";
        }
        host = host.replaceAll("[^A-Za-z0-9.-]", "").replaceAll("^(.{0,40}).*", "$1");
        return (host.isEmpty() ? "host" : host) + "-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(new java.security.SecureRandom().nextInt() & 0xffffffffL);
    }

    /** @param metadataDir where the torrents' info dictionaries and keys are kept across restarts */
    public static Builder builder(Path metadataDir) {
        return new Builder(metadataDir);
    }

    public Path metadataDir() {
        return metadataDir;
    }

    /** Smallest file bridged, in bytes. */
    public long minSize() {
        return minSize;
    }

    /** Piece size for generated torrents; 0 = automatic. */
    public int pieceSize() {
        return pieceSize;
    }

    /** Whether torrents list the file's public URL as a web seed (BEP 19). */
    public boolean webSeed() {
        return webSeed;
    }

    /** Hashing jobs running at once. */
    public int hashJobs() {
        return hashJobs;
    }

    /** Hashing jobs allowed to wait; beyond it requests get BUSY. */
    public int hashQueue() {
        return hashQueue;
    }

    /** How long a probe of a file (length, validators) is reused. */
    public Duration probeTtl() {
        return probeTtl;
    }

    /** Disk the metadata directory may use; beyond it new torrents are kept in memory only. */
    public long metadataMaxBytes() {
        return metadataMaxBytes;
    }

    /** Most files a directory's torrent may hold; a larger directory gets none. */
    public int maxFolderFiles() {
        return maxFolderFiles;
    }

    /** Most bytes a directory's torrent may hold; a larger directory gets none. */
    public long maxFolderBytes() {
        return maxFolderBytes;
    }

    /** Which metainfo new torrents get: v1, hybrid or v2. */
    public TorrentVersion torrentVersion() {
        return torrentVersion;
    }

    /** This instance's name in the shared metadata directory (its hashing claims). */
    public String instanceId() {
        return instanceId;
    }

    /**
     * How long a hashing claim in the shared metadata directory holds without renewal: after it, another instance
     * that shares the directory takes the job over.
     */
    public Duration hashLease() {
        return hashLease;
    }

    @Override
    public String toString() {
        return "SiteOptions[instanceId=" + instanceId + ", hashLease=" + hashLease + ", metadataDir=" + metadataDir + ", minSize=" + minSize + ", pieceSize=" + pieceSize
                + ", webSeed=" + webSeed + ", hashJobs=" + hashJobs + ", hashQueue=" + hashQueue + ", probeTtl="
                + probeTtl + ", metadataMaxBytes=" + metadataMaxBytes + ", maxFolderFiles=" + maxFolderFiles
                + ", maxFolderBytes=" + maxFolderBytes + ", torrentVersion=" + torrentVersion.label() + "]";
    }

    /** Builds {@link SiteOptions}; each setter checks its value and names the setting when it is bad. */
    public static final class Builder {
        private final Path metadataDir;
        private long minSize = Settings.MIN_SIZE.defaultLong();
        private int pieceSize;
        private boolean webSeed = Settings.WEBSEED.defaultBoolean();
        private int hashJobs = (int) Settings.HASH_JOBS.defaultLong();
        private int hashQueue = (int) Settings.HASH_QUEUE.defaultLong();
        private Duration probeTtl = Duration.ofSeconds(2);
        private long metadataMaxBytes = Settings.METADATA_MAX_MIB.defaultScaled();
        private int maxFolderFiles = (int) Settings.MAX_FOLDER_FILES.defaultLong();
        private long maxFolderBytes = Settings.MAX_FOLDER_BYTES.defaultLong();
        private TorrentVersion torrentVersion = TorrentVersion.parse(Settings.TORRENT_VERSION.shownDefault());
        private String instanceId;
        private Duration hashLease = Duration.ofSeconds(Settings.HASH_LEASE.defaultLong());

        private Builder(Path metadataDir) {
            this.metadataDir = Objects.requireNonNull(metadataDir, "metadataDir");
        }

        /** Smallest file bridged, bytes (default 1 MiB). */
        public Builder minSize(long bytes) {
            this.minSize = Settings.MIN_SIZE.check(bytes);
            return this;
        }

        /** Piece size of generated torrents: 0 (automatic, the default) or a power of two 16 KiB..16 MiB. */
        public Builder pieceSize(int bytes) {
            this.pieceSize = bytes == 0 ? 0 : PieceSize.validate(bytes);
            return this;
        }

        /** List the file's public URL as a web seed (default on). */
        public Builder webSeed(boolean on) {
            this.webSeed = on;
            return this;
        }

        /** Files hashed at once (default 1). */
        public Builder hashJobs(int n) {
            this.hashJobs = (int) Settings.HASH_JOBS.check(n);
            return this;
        }

        /** Files that may wait for hashing (default 100). */
        public Builder hashQueue(int n) {
            this.hashQueue = (int) Settings.HASH_QUEUE.check(n);
            return this;
        }

        /** How long a probe is reused (default 2 s). */
        public Builder probeTtl(Duration ttl) {
            if (ttl == null || ttl.isNegative()) {
                throw new IllegalArgumentException("probeTtl must be zero or positive, got " + ttl);
            }
            this.probeTtl = ttl;
            return this;
        }

        /** Disk the metadata directory may use, bytes (default 256 MiB; at least 1 MiB). */
        public Builder metadataMaxBytes(long bytes) {
            this.metadataMaxBytes = Settings.METADATA_MAX_MIB.checkScaled(bytes);
            return this;
        }

        /** Most files in a directory's torrent (default 1000). */
        public Builder maxFolderFiles(int n) {
            this.maxFolderFiles = (int) Settings.MAX_FOLDER_FILES.check(n);
            return this;
        }

        /** Most bytes in a directory's torrent (default 64 GiB). */
        public Builder maxFolderBytes(long bytes) {
            this.maxFolderBytes = Settings.MAX_FOLDER_BYTES.check(bytes);
            return this;
        }

        /** Metainfo of new torrents (default v1). */
        public Builder torrentVersion(TorrentVersion v) {
            this.torrentVersion = Objects.requireNonNull(v, "torrentVersion");
            return this;
        }

        /** This instance's name in the shared metadata directory; default host-pid-random. */
        public Builder instanceId(String id) {
            if (id == null || !id.matches("[A-Za-z0-9._-]{1,100}")) {
                throw new IllegalArgumentException("instanceId must be 1 to 100 letters, digits, '.', '_' or '-', got " + id);
            }
            this.instanceId = id;
            return this;
        }

        /** Lease of a hashing claim, renewed while hashing (default 30 s; 5 s to 1 h, as {@code torrent-bridge.hash-lease}). */
        public Builder hashLease(Duration lease) {
            Settings.HASH_LEASE.check(Objects.requireNonNull(lease, "hashLease").toSeconds());
            this.hashLease = lease;
            return this;
        }

        public SiteOptions build() {
            return new SiteOptions(this);
        }
    }
}
