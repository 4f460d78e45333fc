package io.github.torrenthttpbridge.tracker;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.torrenthttpbridge.torrent.Bencode;
import io.github.torrenthttpbridge.torrent.InfoHash;

/**
 * A small HTTP tracker (BEP 3 announce, BEP 23 compact peers, BEP 7 {@code peers6}, BEP 48 scrape) for the
 * torrents the bridge seeds, and no others. Peers are kept in memory and expire; the bridge itself (and, in a
 * cluster, every live instance of the site) is always in every peer list; announces are rate-limited per IP. Servlet-free: it takes the raw query string and the
 * caller's address and returns the bencoded answer.
 */
public final class HttpTracker {
    /**
     * @param interval        announce interval told to clients
     * @param maxPeersPerTorrent peers remembered per torrent (oldest dropped first)
     * @param maxNumwant      most peers returned in one answer
     * @param announcesPerMinute announces allowed per client IP and minute
     */
    public record Settings(Duration interval, int maxPeersPerTorrent, int maxNumwant, int announcesPerMinute) {
        public static Settings defaults() {
            return new Settings(Duration.ofMinutes(2), 1000, 50, 60);
        }
    }

    private record PeerKey(InetAddress address, int port) {
    }

    private static final class Peer {
        final PeerKey key;
        volatile long expiresAt;
        volatile boolean seed;

        Peer(PeerKey key) {
            this.key = key;
        }
    }

    private final Settings settings;
    private final Predicate<InfoHash> known;
    private final Function<InetAddress, List<InetSocketAddress>> seeds;
    private final Clock clock;
    private final BiConsumer<InfoHash, InetSocketAddress> onLeecher;
    private final Map<InfoHash, Map<PeerKey, Peer>> swarms = new ConcurrentHashMap<>();
    private final Map<InfoHash, AtomicInteger> completed = new ConcurrentHashMap<>();
    private final Cache<InetAddress, AtomicInteger> rate;

    /**
     * @param known which info hashes are answered (the bridge's own torrents)
     * @param self  the bridge's peer address to include, given the address the request arrived on
     */
    public HttpTracker(Settings settings, Predicate<InfoHash> known, Function<InetAddress, Optional<InetSocketAddress>> self,
                       Clock clock) {
        this(settings, known, self, clock, (h, a) -> { });
    }

    /**
     * @param onLeecher told of every announce of a peer that still downloads (not {@code stopped}, {@code left} not
     *                  0), with the address the announce came from and the port it gave, so the bridge can connect
     *                  to it itself. The address is always the requester's own, never one named in the query, so
     *                  this cannot be used to aim the bridge at a third party.
     */
    public HttpTracker(Settings settings, Predicate<InfoHash> known, Function<InetAddress, Optional<InetSocketAddress>> self,
                       Clock clock, BiConsumer<InfoHash, InetSocketAddress> onLeecher) {
        this(settings, known, (Function<InetAddress, List<InetSocketAddress>>) local -> self.apply(local).map(List::of).orElse(List.of()),
                onLeecher, clock);
    }

    /**
     * @param seeds     the bridges to list first in every answer, given the address the request arrived on: this
     *                  bridge and the other live instances of the same site (which seed the same torrents)
     * @param onLeecher as above
     */
    public HttpTracker(Settings settings, Predicate<InfoHash> known, Function<InetAddress, List<InetSocketAddress>> seeds,
                       BiConsumer<InfoHash, InetSocketAddress> onLeecher, Clock clock) {
        this.settings = settings;
        this.known = known;
        this.seeds = seeds;
        this.clock = clock;
        this.onLeecher = onLeecher;
        this.rate = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(1)).maximumSize(100_000).build();
    }

    /** Peers currently known for a torrent (not counting the bridge). */
    public int peerCount(InfoHash h) {
        Map<PeerKey, Peer> swarm = swarms.get(h);
        if (swarm == null) {
            return 0;
        }
        long now = clock.millis();
        return (int) swarm.values().stream().filter(p -> p.expiresAt > now).count();
    }

    /** Peers currently known for all torrents together (not counting the bridge): one pass over the swarms with peers. */
    public long peerCountAll() {
        long now = clock.millis();
        long n = 0;
        for (Map<PeerKey, Peer> swarm : swarms.values()) {
            for (Peer p : swarm.values()) {
                n += p.expiresAt > now ? 1 : 0;
            }
        }
        return n;
    }

    /** Answers {@code /announce?query}; {@code local} is the address the request arrived on. */
    public byte[] announce(String rawQuery, InetAddress remote, InetAddress local) {
        Map<String, List<byte[]>> q = Query.parse(rawQuery);
        if (rate.get(remote, r -> new AtomicInteger()).incrementAndGet() > settings.announcesPerMinute()) {
            return failure("too many announces from " + remote.getHostAddress() + "; try again in a minute");
        }
        byte[] ih = Query.first(q, "info_hash");
        if (ih == null || ih.length != 20) {
            return failure("missing or malformed info_hash");
        }
        InfoHash infoHash = InfoHash.of(ih);
        if (!known.test(infoHash)) {
            return failure("unknown torrent: this tracker only serves the torrents this site seeds");
        }
        int port = Query.intValue(q, "port", -1);
        if (port < 1 || port > 65535) {
            return failure("missing or invalid port");
        }
        String event = Query.string(q, "event", "");
        long left = Query.longValue(q, "left", -1);
        Map<PeerKey, Peer> swarm = swarms.computeIfAbsent(infoHash, k -> new ConcurrentHashMap<>());
        PeerKey key = new PeerKey(remote, port);
        long now = clock.millis();
        if (event.equals("stopped")) {
            swarm.remove(key);
        } else {
            Peer p = swarm.computeIfAbsent(key, Peer::new);
            p.expiresAt = now + settings.interval().toMillis() * 5 / 2;
            p.seed = left == 0;
            if (event.equals("completed")) {
                completed.computeIfAbsent(infoHash, k -> new AtomicInteger()).incrementAndGet();
            }
            prune(swarm, now);
            if (left != 0) {
                onLeecher.accept(infoHash, new InetSocketAddress(remote, port));
            }
        }
        int numwant = Math.max(0, Math.min(settings.maxNumwant(), Query.intValue(q, "numwant", settings.maxNumwant())));
        List<InetSocketAddress> peers = new ArrayList<>();
        List<InetSocketAddress> bridges = seeds.apply(local);
        for (InetSocketAddress b : bridges) {
            if (!(b.getAddress().equals(remote) && b.getPort() == port) && !peers.contains(b)) {
                peers.add(b);   // the bridges: always listed (not counted against numwant)
            }
        }
        int listedBridges = peers.size();
        List<Peer> others = new ArrayList<>(swarm.values());
        Collections.shuffle(others);
        for (Peer p : others) {
            if (peers.size() >= numwant + listedBridges) {
                break;
            }
            InetSocketAddress a = new InetSocketAddress(p.key.address(), p.key.port());
            if (p.expiresAt > now && !p.key.equals(key) && !bridges.contains(a)) {
                peers.add(a);
            }
        }
        int seeds = Math.max(1, bridges.size()) + (int) swarm.values().stream()
                .filter(p -> p.expiresAt > now && p.seed && !bridges.contains(new InetSocketAddress(p.key.address(), p.key.port()))).count();
        int leechers = (int) swarm.values().stream().filter(p -> p.expiresAt > now && !p.seed).count();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("interval", settings.interval().toSeconds());
        answer.put("min interval", Math.max(10, settings.interval().toSeconds() / 4));
        answer.put("complete", (long) seeds);
        answer.put("incomplete", (long) leechers);
        boolean compact = !"0".equals(Query.string(q, "compact", "1"));
        if (compact) {
            ByteArrayOutputStream v4 = new ByteArrayOutputStream();
            ByteArrayOutputStream v6 = new ByteArrayOutputStream();
            for (InetSocketAddress a : peers) {
                ByteArrayOutputStream out = a.getAddress() instanceof Inet4Address ? v4 : v6;
                out.writeBytes(a.getAddress().getAddress());
                out.write(a.getPort() >> 8);
                out.write(a.getPort() & 0xff);
            }
            answer.put("peers", v4.toByteArray());
            if (v6.size() > 0) {
                answer.put("peers6", v6.toByteArray());
            }
        } else {
            List<Object> list = new ArrayList<>();
            for (InetSocketAddress a : peers) {
                Map<String, Object> d = new HashMap<>();
                d.put("ip", a.getAddress().getHostAddress());
                d.put("port", (long) a.getPort());
                list.add(d);
            }
            answer.put("peers", list);
        }
        return Bencode.encode(answer);
    }

    /** Answers {@code /scrape?info_hash=...} (BEP 48): only known torrents are listed. */
    public byte[] scrape(String rawQuery) {
        Map<String, List<byte[]>> q = Query.parse(rawQuery);
        Map<String, Object> files = new LinkedHashMap<>();
        long now = clock.millis();
        for (byte[] ih : q.getOrDefault("info_hash", List.of())) {
            if (ih.length != 20 || !known.test(InfoHash.of(ih))) {
                continue;
            }
            InfoHash h = InfoHash.of(ih);
            Map<PeerKey, Peer> swarm = swarms.getOrDefault(h, Map.of());
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("complete", 1L + swarm.values().stream().filter(p -> p.expiresAt > now && p.seed).count());
            f.put("downloaded", (long) completed.getOrDefault(h, new AtomicInteger()).get());
            f.put("incomplete", swarm.values().stream().filter(p -> p.expiresAt > now && !p.seed).count());
            files.put(new String(ih, StandardCharsets.ISO_8859_1), f);
        }
        return Bencode.encode(Map.of("files", files));
    }

    private void prune(Map<PeerKey, Peer> swarm, long now) {
        swarm.values().removeIf(p -> p.expiresAt <= now);
        if (swarm.size() > settings.maxPeersPerTorrent()) {
            List<Peer> byAge = new ArrayList<>(swarm.values());
            byAge.sort((a, b) -> Long.compare(a.expiresAt, b.expiresAt));
            for (int i = 0; i < byAge.size() - settings.maxPeersPerTorrent(); i++) {
                swarm.remove(byAge.get(i).key);
            }
        }
    }

    static byte[] failure(String reason) {
        return Bencode.encode(Map.of("failure reason", reason));
    }

    /** Tracker query strings carry raw bytes (info_hash, peer_id): decoded as bytes, not as UTF-8. */
    static final class Query {
        private Query() {
        }

        static Map<String, List<byte[]>> parse(String raw) {
            Map<String, List<byte[]>> out = new HashMap<>();
            if (raw == null || raw.isEmpty() || raw.length() > 8192) {
                return out;
            }
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String k = new String(decode(eq < 0 ? pair : pair.substring(0, eq)), StandardCharsets.ISO_8859_1);
                byte[] v = eq < 0 ? new byte[0] : decode(pair.substring(eq + 1));
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
            return out;
        }

        static byte[] decode(String s) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '%' && i + 1 < s.length()) {
                    int hi = Character.digit(s.charAt(i + 1), 16);
                    int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                    if (hi >= 0 && lo >= 0) {
                        out.write(hi * 16 + lo);
                        i += 2;
                        continue;
                    }
                }
                out.write(c == '+' ? ' ' : c);
            }
            return out.toByteArray();
        }

        static byte[] first(Map<String, List<byte[]>> q, String k) {
            List<byte[]> v = q.get(k);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        static String string(Map<String, List<byte[]>> q, String k, String def) {
            byte[] v = first(q, k);
            return v == null ? def : new String(v, StandardCharsets.ISO_8859_1);
        }

        static long longValue(Map<String, List<byte[]>> q, String k, long def) {
            try {
                return Long.parseLong(string(q, k, Long.toString(def)).trim());
            } catch (NumberFormatException e) {
                return def;
            }
        }

        static int intValue(Map<String, List<byte[]>> q, String k, int def) {
            long l = longValue(q, k, def);
            return l > Integer.MAX_VALUE || l < Integer.MIN_VALUE ? def : (int) l;
        }
    }
}
