package io.github.torrenthttpbridge.site;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.torrenthttpbridge.origin.OriginClient;
import io.github.torrenthttpbridge.origin.OriginException;
import io.github.torrenthttpbridge.origin.OriginResource;

/**
 * Asks the site itself whether it serves a path publicly with byte ranges, and what it is (length, validators).
 * Answers are cached briefly (bounded), so a burst of requests for one file costs one probe.
 *
 * <p>Thread-safe without locks of its own: the cache (Caffeine) runs one probe per path at a time and shares it.
 */
final class SiteProbe {
    /** A probe's answer: the resource, or why it is not bridgeable. */
    record Result(OriginResource resource, OriginException error) {
    }

    private final OriginClient client;
    private final SiteAddress address;
    private final Cache<String, Result> cache;

    SiteProbe(OriginClient client, SiteAddress address, Duration ttl) {
        this.client = client;
        this.address = address;
        this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(10_000).build();
    }

    Result probe(String path) {
        return cache.get(path, p -> {
            try {
                return new Result(client.probe(originUrl(p), -1), null);
            } catch (OriginException e) {
                return new Result(null, e);
            }
        });
    }

    void forget(String path) {
        cache.invalidate(path);
    }

    /** The URL the bridge fetches {@code path} from. */
    URI originUrl(String path) {
        return join(address.origin(), path);
    }

    /** The URL clients fetch {@code path} from (web seeds). */
    URI publicUrl(String path) {
        return join(address.publicUrl(), path);
    }

    /** {@code base} + the path's segments, each percent-encoded. */
    static URI join(URI base, String path) {
        StringBuilder sb = new StringBuilder(base.toString().replaceAll("/+$", ""));
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                sb.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        return URI.create(sb.toString());
    }

    /**
     * What identifies one version of a file: its path, length and validator (ETag, else Last-Modified). A
     * changed file gets a new key, so its torrent is made anew.
     */
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
}
