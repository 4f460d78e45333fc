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
import io.github.torrenthttpbridge.origin.OriginClientConfig;
import io.github.torrenthttpbridge.origin.OriginException;
import io.github.torrenthttpbridge.origin.OriginResource;

/**
 * Asks the site whether it serves a path publicly with byte ranges, and what it is (length, validators): an
 * anonymous {@code Range: bytes=0-0} request (no cookies, no credentials, the bridge's own User-Agent) that must
 * answer {@code 206} with an identity encoding. When the public URL differs from the origin (a front proxy:
 * {@code public-url}), the file is first probed there, so the proxy's rules (deny, auth_basic, IP lists) apply as
 * they do to any visitor, and then at the origin, whose answer (length, validators) keys the torrent; both must
 * agree on the length.
 *
 * <p>Probes have their own small HTTP client ({@link #CONNECTIONS} connections per host, {@link #QUEUE} waiting,
 * {@link #TIMEOUT} per request), apart from the piece fetches, so a busy swarm does not starve them nor they it.
 * A failure says whether it is a verdict (401, 403, 404, no ranges, a redirect, gzip: not public) or transient
 * (a timeout, a refused or reset connection, 5xx, 429, a full queue: ask again later).
 *
 * <p>Answers are cached briefly (bounded), so a burst of requests for one file costs one probe. Thread-safe
 * without locks of its own: the cache (Caffeine) runs one probe per path at a time and shares it.
 */
final class SiteProbe implements AutoCloseable {
    /** Connections per host for probes. */
    static final int CONNECTIONS = 4;
    /** Probes that may wait for a connection; beyond it a probe fails at once, as a transient failure. */
    static final int QUEUE = 1024;
    /** Time a probe may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A probe's answer: the resource, or why it is not bridgeable. */
    record Result(OriginResource resource, OriginException error) {
        /** Whether the probe failed in a way that says nothing about the file (ask again later). */
        boolean transientFailure() {
            return error != null && error.isTransient();
        }

        /** Whether the site answered that the public cannot fetch this file with ranges. */
        boolean notPublic() {
            return error != null && !error.isTransient();
        }
    }

    private final OriginClient client;
    private final SiteAddress address;
    private final Cache<String, Result> cache;

    /** @param config how the bridge talks to the origin (redirects, connect timeout); probes get their own client from it */
    SiteProbe(OriginClientConfig config, SiteAddress address, Duration ttl) {
        this(new OriginClient(probeConfig(config)), address, ttl);
    }

    SiteProbe(OriginClient client, SiteAddress address, Duration ttl) {
        this.client = client;
        this.address = address;
        this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(10_000).build();
    }

    static OriginClientConfig probeConfig(OriginClientConfig c) {
        return new OriginClientConfig(CONNECTIONS, QUEUE, c.connectTimeout().compareTo(TIMEOUT) < 0 ? c.connectTimeout() : TIMEOUT,
                TIMEOUT, TIMEOUT, 1, c.retryBackoff(), c.followRedirects());
    }

    Result probe(String path) {
        return cache.get(path, this::probeNow);
    }

    private Result probeNow(String p) {
        try {
            URI origin = originUrl(p);
            URI pub = publicUrl(p);
            if (!pub.equals(origin)) {
                OriginResource seen = client.probe(pub, -1);   // as a visitor: through the front proxy's rules
                return new Result(client.probe(origin, seen.length()), null);
            }
            return new Result(client.probe(origin, -1), null);
        } catch (OriginException e) {
            return new Result(null, e);
        }
    }

    @Override
    public void close() {
        client.close();
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
