package io.github.torrenthttpbridge.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.torrenthttpbridge.origin.OriginClient;
import io.github.torrenthttpbridge.origin.OriginResource;
import io.github.torrenthttpbridge.origin.OriginStream;
import io.github.torrenthttpbridge.torrent.InputFile;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentFile;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/**
 * Several URLs as one multi-file torrent named {@code --name}: each file is named after its URL's last segment
 * (two URLs with the same name are refused), the files are probed for their lengths, then each is streamed once
 * in the torrent's order while all cores hash.
 */
final class UrlFiles {
    /**
     * A multi-file torrent and where its files are.
     *
     * @param torrent the torrent
     * @param urls    one per file that is not a pad file, in the torrent's order (what {@code TorrentBridge.seed} takes)
     * @param origins what each was hashed from, same order
     */
    record Made(TorrentMetadata torrent, List<URI> urls, List<OriginResource> origins) {
    }

    private UrlFiles() {
    }

    /** File name to URL, in the given order; refuses URLs that give the same file name. */
    static Map<String, URI> byName(List<URI> urls) {
        Map<String, URI> out = new LinkedHashMap<>();
        for (URI u : urls) {
            Cli.checkUrl(u);
            String name = TorrentCreator.nameFromUrl(u);
            URI before = out.putIfAbsent(name, u);
            if (before != null) {
                throw new IllegalArgumentException("two URLs give the file name '" + name + "': " + before + " and " + u
                        + "; each file of a torrent needs its own name");
            }
        }
        return out;
    }

    /**
     * The BEP 19 web seed of a torrent named {@code name} holding these files, if there is one: every URL must be
     * {@code BASE/name/file} for one BASE (a client appends the torrent's name and each file's path to it).
     */
    static List<String> webSeed(String name, Map<String, URI> files) {
        String base = null;
        for (URI u : files.values()) {
            String path = u.getRawPath();
            if (path == null || u.getRawQuery() != null) {
                return List.of();
            }
            int fileCut = path.lastIndexOf('/');
            int dirCut = fileCut <= 0 ? -1 : path.lastIndexOf('/', fileCut - 1);
            if (dirCut < 0) {
                return List.of();
            }
            String dirName = URLDecoder.decode(path.substring(dirCut + 1, fileCut).replace("+", "%2B"), StandardCharsets.UTF_8);
            String b = u.getScheme() + "://" + u.getRawAuthority() + path.substring(0, dirCut + 1);
            if (!dirName.equals(name) || (base != null && !base.equals(b))) {
                return List.of();
            }
            base = b;
        }
        return base == null ? List.of() : List.of(base);
    }

    static Made create(String name, List<URI> urls, TorrentCreator.Options options, OriginClient client, PrintStream progress)
            throws IOException {
        Map<String, URI> files = byName(urls);
        Map<String, OriginResource> probed = new HashMap<>();
        List<InputFile> inputs = new ArrayList<>();
        for (Map.Entry<String, URI> e : files.entrySet()) {
            OriginResource r = client.probe(e.getValue(), -1);
            probed.put(e.getKey(), r);
            inputs.add(new InputFile(List.of(e.getKey()), r.length()));
        }
        TorrentMetadata t = TorrentCreator.create(name, inputs, file -> {
            String n = file.path().get(0);
            OriginStream s = client.open(files.get(n));
            OriginResource then = probed.get(n);
            String v = then.ifRangeValidator();
            if (s.resource().length() != then.length() || (v != null && !v.equals(s.resource().ifRangeValidator()))) {
                s.close();
                throw new IOException(files.get(n) + " changed while it was hashed");
            }
            return s.body();
        }, options, new CreateCommand.ProgressPrinter(progress));
        return inOrder(t, files, probed);
    }

    /** The URLs (and what they were hashed from, or null) of {@code t}'s files, in its order, matched by file name. */
    static Made inOrder(TorrentMetadata t, Map<String, URI> files, Map<String, OriginResource> probed) {
        List<URI> urls = new ArrayList<>();
        List<OriginResource> origins = new ArrayList<>();
        for (TorrentFile f : t.files()) {
            if (f.pad()) {
                continue;
            }
            String n = String.join("/", f.path());
            URI u = files.get(n);
            if (u == null) {
                throw new IllegalArgumentException("the torrent's file '" + n + "' matches none of the URLs (their last segments: "
                        + String.join(", ", files.keySet()) + ")");
            }
            urls.add(u);
            origins.add(probed.get(n));
        }
        if (urls.size() != files.size()) {
            throw new IllegalArgumentException("the torrent holds " + urls.size() + " files but " + files.size() + " URLs were given");
        }
        return new Made(t, urls, origins);
    }
}
