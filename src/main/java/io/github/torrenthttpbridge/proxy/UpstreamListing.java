package io.github.torrenthttpbridge.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.torrenthttpbridge.origin.OriginClient;
import io.github.torrenthttpbridge.site.DirectoryListing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the upstream's directories from its directory index ({@link DirectoryIndex}): an anonymous {@code GET} of
 * the directory's URL (no visitor's cookies or credentials: the bridge's own request, marked as such), no redirect
 * followed. A directory without an index (autoindex off: {@code 403}/{@code 404}), or with one behind
 * authentication, lists as empty, so it gets no torrent. Answers are kept for 10 s, so links on busy pages cost
 * the upstream one listing per directory every 10 s.
 */
final class UpstreamListing implements DirectoryListing {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamListing.class);
    static final int MAX_INDEX_BYTES = 4 * 1024 * 1024;
    private static final Pattern CHARSET = Pattern.compile("charset=\"?([^\";\\s]+)", Pattern.CASE_INSENSITIVE);

    private final URI upstream;
    private final HttpClient http;
    private final Cache<String, Set<String>> recent = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(10)).maximumSize(10_000).build();

    /** @param upstream the upstream's base URL, without a trailing '/' (a site path is appended) */
    UpstreamListing(URI upstream) {
        this.upstream = upstream;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public Set<String> children(String dir) {
        return recent.get(dir, this::fetch);
    }

    private Set<String> fetch(String dir) {
        URI uri = URI.create(upstream + TorrentProxy.encodePath(dir));
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                            .header("User-Agent", "torrent-http-bridge").header(OriginClient.BRIDGE_HEADER, "1")
                            .header("Accept", "application/json, text/html;q=0.9").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    LOG.debug("no index of {}: {}", uri, r.statusCode());
                    return Set.of();
                }
                byte[] body = in.readNBytes(MAX_INDEX_BYTES + 1);
                if (body.length > MAX_INDEX_BYTES) {
                    LOG.warn("the index of {} is larger than {} bytes: not listed", uri, MAX_INDEX_BYTES);
                    return Set.of();
                }
                String type = r.headers().firstValue("Content-Type").orElse("");
                if (r.headers().firstValue("Content-Encoding").filter(e -> !e.equalsIgnoreCase("identity")).isPresent()) {
                    return Set.of();
                }
                return DirectoryIndex.entries(dir, type, new String(body, charset(type)));
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("cannot list {}: {}", uri, e.toString());
            return Set.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        }
    }

    private static Charset charset(String contentType) {
        Matcher m = CHARSET.matcher(contentType);
        try {
            return m.find() ? Charset.forName(m.group(1).toLowerCase(Locale.ROOT)) : StandardCharsets.UTF_8;
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
