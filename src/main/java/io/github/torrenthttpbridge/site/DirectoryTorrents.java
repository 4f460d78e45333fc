package io.github.torrenthttpbridge.site;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.github.torrenthttpbridge.bridge.SeedHandle;
import io.github.torrenthttpbridge.bridge.TorrentBridge;
import io.github.torrenthttpbridge.origin.OriginResource;
import io.github.torrenthttpbridge.origin.OriginStream;
import io.github.torrenthttpbridge.torrent.InputFile;
import io.github.torrenthttpbridge.torrent.ProgressListener;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentFile;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/**
 * Multi-file torrents for the site's directories ({@code D/?torrent}): which files a directory's torrent holds
 * (listed recursively, each probed exactly as single files are: an anonymous Range request that must answer
 * {@code 206}; the include/exclude and min-size rules; caps on the file count and total bytes), the key of that
 * set of file versions, hashing them into one torrent, and seeding it with one URL per file. {@link SiteTorrents}
 * does the rest (jobs, the metadata directory, registration) as for single files.
 *
 * <p>The torrent's name is the directory's last segment and its files are the directory's files below it, so
 * BEP 19 web seeds work with the directory's parent URL: a client appends the name and each file's path.
 *
 * <p>A probe that fails for a passing reason (a timeout, 5xx, a refused connection, a full queue) makes the scan
 * {@link Scan#unsure unsure}: no smaller torrent is made from it and the torrent seeded until then stays.
 *
 * <p>A scan (listing + one probe per file) is reused for {@link #SCAN_TTL} and one runs per directory at a time
 * (a Caffeine cache), so requests for a directory of 1,000 files cost the origin 1,000 probes at most every 10 s,
 * not per request; a scan whose torrent turned stale is dropped at once ({@link #forget}). Thread-safe.
 */
final class DirectoryTorrents {
    /**
     * A directory as it is now.
     *
     * @param dir       the directory's path, ending with '/'
     * @param files     site paths of the files in the torrent, sorted
     * @param resources what each answered to the probe (same order)
     * @param bytes     the files' total length
     * @param key       what identifies this set of file versions
     * @param leftOut   files left out, with why
     * @param refusal   why the directory gets no torrent (then the other fields are empty), or null
     * @param unsure    why the scan could not tell (a probe failed for a passing reason: a timeout, 5xx, a full
     *                  queue; then the other fields are empty), or null
     */
    record Scan(String dir, List<String> files, List<OriginResource> resources, long bytes, String key,
                Map<String, String> leftOut, String refusal, String unsure) {
        Scan(String dir, List<String> files, List<OriginResource> resources, long bytes, String key,
             Map<String, String> leftOut, String refusal) {
            this(dir, files, resources, bytes, key, leftOut, refusal, null);
        }

        static Scan refused(String dir, Map<String, String> leftOut, String why) {
            return new Scan(dir, List.of(), List.of(), 0, null, leftOut, why);
        }

        static Scan unsure(String dir, String why) {
            return new Scan(dir, List.of(), List.of(), 0, null, Map.of(), null, why);
        }

        /** A short note on the files left out, or null when none was. */
        String leftOutNote() {
            if (leftOut.isEmpty()) {
                return null;
            }
            StringBuilder sb = new StringBuilder(leftOut.size() + " file(s) left out: ");
            int n = 0;
            for (Map.Entry<String, String> e : leftOut.entrySet()) {
                if (n++ == 5) {
                    sb.append("; ...");
                    break;
                }
                sb.append(n > 1 ? "; " : "").append(e.getKey().substring(dir.length())).append(" (").append(e.getValue()).append(')');
            }
            return sb.toString();
        }
    }

    private final TorrentBridge bridge;
    private final SiteOptions options;
    private final SiteProbe probe;
    private final DirectoryListing listing;
    private final Predicate<String> allowed;
    static final java.time.Duration SCAN_TTL = java.time.Duration.ofSeconds(10);
    private final com.github.benmanes.caffeine.cache.Cache<String, Scan> scans;
    /** Directory + key of scans dropped because their torrent turned stale, so each is looked at again only once per TTL. */
    private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> staleDropped;

    DirectoryTorrents(TorrentBridge bridge, SiteOptions options, SiteProbe probe, DirectoryListing listing,
                      Predicate<String> allowed) {
        this.bridge = bridge;
        this.options = options;
        this.probe = probe;
        this.listing = listing;
        this.allowed = allowed;
        this.scans = com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
                .expireAfterWrite(options.probeTtl().compareTo(SCAN_TTL) > 0 ? options.probeTtl() : SCAN_TTL)
                .maximumSize(1000).build();
        this.staleDropped = com.github.benmanes.caffeine.cache.Caffeine.newBuilder().expireAfterWrite(SCAN_TTL)
                .maximumSize(1000).build();
    }

    /**
     * Drops {@code scan} (see {@link #forget}) because its torrent turned stale, unless that was done for this
     * directory and key within {@link #SCAN_TTL}: a torrent stale for another reason than a changed file (a piece
     * failed its hash, validators unchanged) would otherwise have the whole directory probed on every request.
     *
     * @return whether it was dropped
     */
    boolean forgetStale(Scan scan) {
        if (staleDropped.asMap().putIfAbsent(scan.dir() + "\n" + scan.key(), Boolean.TRUE) != null) {
            return false;
        }
        forget(scan);
        return true;
    }

    /** {@code dir} as listed and probed within the last {@link #SCAN_TTL}; never throws for a bad directory, says why instead. */
    Scan scan(String dir) {
        Scan s = scans.get(dir, this::scanNow);
        if (s.unsure() != null) {
            scans.invalidate(dir);   // no verdict to reuse: the next request looks again (its probes are cached briefly)
        }
        return s;
    }

    /** Why a file is left out when the public cannot fetch it (a verdict, not a passing failure). */
    static final String NOT_PUBLIC = "not served publicly with byte ranges";

    /**
     * A file of {@code torrent} (the directory's torrent seeded until now) that {@code scan} found no longer public,
     * if any: that torrent must not be seeded any more.
     */
    java.util.Optional<String> notPublicNow(Scan scan, TorrentMetadata torrent) {
        for (TorrentFile f : torrent.files()) {
            String path = scan.dir() + String.join("/", f.path());
            if (!f.pad() && NOT_PUBLIC.equals(scan.leftOut().get(path))) {
                return java.util.Optional.of(path);
            }
        }
        return java.util.Optional.empty();
    }

    /** Drops {@code dir}'s reused scan and its files' probes: the next {@link #scan} asks the site again. */
    void forget(Scan scan) {
        scans.invalidate(scan.dir());
        scan.files().forEach(probe::forget);
    }

    private Scan scanNow(String dir) {
        String refusal = DirectoryScan.refusal(dir);
        if (refusal != null) {
            return Scan.refused(dir, Map.of(), refusal);
        }
        DirectoryScan.Listed listed = DirectoryScan.list(listing, dir, allowed, options.maxFolderFiles());
        Map<String, String> leftOut = new LinkedHashMap<>(listed.leftOut());
        if (listed.tooMany() != null) {
            return Scan.refused(dir, leftOut, listed.tooMany());
        }
        List<String> files = new ArrayList<>();
        List<OriginResource> resources = new ArrayList<>();
        long bytes = 0;
        for (String f : listed.files()) {
            SiteProbe.Result p = probe.probe(f);
            if (p.transientFailure()) {
                return Scan.unsure(dir, "the site did not answer the probe of " + f + " this time (" + p.error().getMessage()
                        + "); try again later");
            }
            if (p.error() != null) {
                leftOut.put(f, NOT_PUBLIC);
                continue;
            }
            if (p.resource().length() < options.minSize() || p.resource().length() == 0) {
                leftOut.put(f, "smaller than the minimum of " + options.minSize() + " bytes");
                continue;
            }
            bytes += p.resource().length();
            if (bytes > options.maxFolderBytes()) {
                return Scan.refused(dir, leftOut, "it holds more than " + options.maxFolderBytes()
                        + " bytes (torrent-bridge.max-folder-bytes)");
            }
            files.add(f);
            resources.add(p.resource());
        }
        if (files.isEmpty()) {
            return Scan.refused(dir, leftOut, leftOut.isEmpty() ? "it holds no files" : "none of its files can be bridged");
        }
        return new Scan(dir, List.copyOf(files), List.copyOf(resources), bytes, key(dir, files, resources), Map.copyOf(leftOut), null);
    }

    /**
     * What identifies one version of a directory: its path and each file's path, length and validator (ETag, else
     * Last-Modified). Any file added, removed or changed gives a new key, so a new torrent.
     */
    static String key(String dir, List<String> files, List<OriginResource> resources) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(("directory\n" + dir + "\n").getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < files.size(); i++) {
                OriginResource r = resources.get(i);
                String validator = r.etag() != null ? r.etag() : String.valueOf(r.lastModified());
                sha.update((files.get(i) + "\n" + r.length() + "\n" + validator + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A hashing job's work: makes the torrent of {@code scan} ({@link #create}) and the metadata entry that keeps it.
     * On failure the files' probes are forgotten, so the next request sees the directory as it is then.
     */
    MetadataStore.Entry hash(Scan scan, java.util.function.Consumer<io.github.torrenthttpbridge.torrent.HashProgress> progress)
            throws IOException {
        io.github.torrenthttpbridge.bridge.LoggingProgress log = new io.github.torrenthttpbridge.bridge.LoggingProgress(scan.dir());
        try {
            TorrentMetadata t = create(scan, p -> {
                progress.accept(p);
                log.onProgress(p);
            });
            return new MetadataStore.Entry(scan.key(), scan.dir(), t.length(), null, null, t.infoBytes(), t.infoHash(),
                    t.name(), StoredLayers.encode(t));
        } catch (IOException | RuntimeException e) {
            forget(scan);
            throw e;
        }
    }

    /**
     * Streams every file of {@code scan} once, in the torrent's order, and makes its torrent; a file whose
     * length or validator is no longer the probed one fails the job (the next request lists the directory anew).
     */
    TorrentMetadata create(Scan scan, ProgressListener listener) throws IOException {
        Map<List<String>, Integer> index = new LinkedHashMap<>();
        List<InputFile> inputs = new ArrayList<>();
        for (int i = 0; i < scan.files().size(); i++) {
            List<String> rel = List.of(scan.files().get(i).substring(scan.dir().length()).split("/"));
            index.put(rel, i);
            inputs.add(new InputFile(rel, scan.resources().get(i).length()));
        }
        TorrentCreator.Options o = TorrentCreator.Options.defaults().withPieceSize(options.pieceSize())
                .withVersion(options.torrentVersion());
        return TorrentCreator.create(DirectoryScan.name(scan.dir()), inputs, file -> {
            int i = index.get(file.path());
            String path = scan.files().get(i);
            OriginStream s = bridge.originClient().open(probe.originUrl(path));
            String then = SiteProbe.key(path, scan.resources().get(i));
            if (!then.equals(SiteProbe.key(path, s.resource()))) {
                s.close();
                throw new IOException(path + " changed while the directory was hashed");
            }
            InputStream body = s.body();
            return body;
        }, o, listener);
    }

    /** Seeds {@code torrent} (a directory's) from the site: one origin URL per file, checked against the probe. */
    SeedHandle seed(String dir, TorrentMetadata torrent) {
        List<URI> urls = new ArrayList<>();
        List<OriginResource> hashedFrom = new ArrayList<>();
        for (TorrentFile f : torrent.files()) {
            if (f.pad()) {
                continue;
            }
            String path = dir + String.join("/", f.path());
            urls.add(probe.originUrl(path));
            hashedFrom.add(probe.probe(path).resource());
        }
        return bridge.seed(urls, torrent, hashedFrom);
    }

    /**
     * What a stored directory torrent's files are fetched from after a restart, without probing: each file's origin
     * URL and length (their validators are not stored: a changed file is caught by its pieces' hashes, and the
     * directory's next scan makes its new torrent).
     */
    List<OriginResource> known(String dir, TorrentMetadata torrent) {
        List<OriginResource> out = new ArrayList<>();
        for (TorrentFile f : torrent.files()) {
            if (!f.pad() && f.length() > 0) {
                out.add(new OriginResource(probe.originUrl(dir + String.join("/", f.path())), f.length(), null, null));
            }
        }
        return out;
    }

    /**
     * The BEP 19 web seed of a directory's torrent: its parent's public URL ending with '/', to which a client
     * appends the torrent's name (the directory's) and each file's path.
     */
    static URI webSeed(SiteProbe probe, String dir) {
        String parent = dir.substring(0, dir.length() - 1);
        parent = parent.substring(0, parent.lastIndexOf('/') + 1);
        String base = probe.publicUrl(parent).toString();
        return URI.create(base.endsWith("/") ? base : base + "/");
    }
}
