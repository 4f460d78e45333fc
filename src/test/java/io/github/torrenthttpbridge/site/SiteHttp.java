package io.github.torrenthttpbridge.site;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A request, a recorded response and the site's torrents for {@link SiteHandler} without a server. */
final class SiteHttp {
    private SiteHttp() {
    }

    record Req(String method, String path, String contextPath, String query, Map<String, String> headers,
               Map<String, String> parameters) implements SiteRequest {
        static Req get(String path, String query) {
            return new Req("GET", path, "", query, Map.of(), Map.of());
        }

        Req method(String m) {
            return new Req(m, path, contextPath, query, headers, parameters);
        }

        Req context(String c) {
            return new Req(method, path, c, query, headers, parameters);
        }

        Req with(String header, String value) {
            Map<String, String> h = new HashMap<>(headers);
            h.put(header.toLowerCase(java.util.Locale.ROOT), value);
            return new Req(method, path, contextPath, query, h, parameters);
        }

        @Override
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        @Override
        public String parameter(String name) {
            return parameters.get(name);
        }

        @Override
        public InetAddress client() {
            return InetAddress.getLoopbackAddress();
        }

        @Override
        public InetAddress local() {
            return InetAddress.getLoopbackAddress();
        }
    }

    static final class Res implements SiteResponse {
        int status = 200;
        final Map<String, String> headers = new LinkedHashMap<>();
        String contentType;
        byte[] body;
        Integer error;
        String message;

        @Override
        public void status(int code) {
            status = code;
        }

        @Override
        public void header(String name, String value) {
            headers.put(name, value);
        }

        @Override
        public void send(String type, byte[] b) {
            if (body != null || error != null) {
                throw new IllegalStateException("answered twice");
            }
            contentType = type;
            body = b;
        }

        @Override
        public void error(int code, String m) {
            if (body != null || error != null) {
                throw new IllegalStateException("answered twice");
            }
            error = code;
            message = m;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static final class View implements SiteView {
        final Map<String, TorrentStatus> statuses = new HashMap<>();
        final List<String> awaited = new ArrayList<>();
        final List<String> counted = new ArrayList<>();
        final List<String> prepared = new ArrayList<>();
        final Set<String> notPublic = new HashSet<>();
        final Map<String, String> magnets = new HashMap<>();
        Duration waited;

        @Override
        public TorrentStatus await(String path, Duration wait) {
            awaited.add(path);
            waited = wait;
            return statuses.getOrDefault(path, TorrentStatus.notBridged(path, "too small"));
        }

        @Override
        public void countWebseedRequest(String path) {
            counted.add(path);
        }

        @Override
        public boolean knownNotPublic(String path) {
            return notPublic.contains(path);
        }

        @Override
        public Optional<String> knownMagnet(String path) {
            return Optional.ofNullable(magnets.get(path));
        }

        @Override
        public void prepare(String path) {
            prepared.add(path);
        }
    }
}
