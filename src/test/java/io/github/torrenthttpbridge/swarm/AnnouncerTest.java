package io.github.torrenthttpbridge.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.torrenthttpbridge.torrent.InfoHash;
import io.github.torrenthttpbridge.tracker.AnnounceRequest;
import io.github.torrenthttpbridge.tracker.AnnounceResult;
import io.github.torrenthttpbridge.tracker.TrackerException;
import org.junit.jupiter.api.Test;

/**
 * The announce schedule with a hand-driven clock (no sleeps): stand-ins for the DHT and the trackers record what is
 * started and when, and answer at once (or never, to test the concurrency bound).
 */
class AnnouncerTest {
    static final byte[] PEER_ID = new byte[20];
    long now = 1_000_000;

    record Call(long at, String url, InfoHash hash, AnnounceRequest.Event event) {
    }

    /** Records tracker announces; answers with {@code answer(url)}: a result, or null to fail. */
    final class FakeTrackers implements Backends.Trackers {
        final List<Call> calls = new ArrayList<>();
        Function<String, AnnounceResult> answer = url -> result(Duration.ofMinutes(30));
        boolean hang;

        @Override
        public boolean supports(String url) {
            return io.github.torrenthttpbridge.tracker.TrackerClient.supports(url);
        }

        @Override
        public CompletableFuture<AnnounceResult> announce(String url, AnnounceRequest r) {
            calls.add(new Call(now, url, r.infoHash(), r.event()));
            if (hang) {
                return new CompletableFuture<>();
            }
            AnnounceResult a = answer.apply(url);
            return a == null ? CompletableFuture.failedFuture(new TrackerException("refused by " + url))
                    : CompletableFuture.completedFuture(a);
        }
    }

    final class FakeDht implements Backends.Dht {
        final List<Call> calls = new ArrayList<>();
        boolean ready = true;
        boolean hang;

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public CompletableFuture<Integer> announce(InfoHash h, int port, Consumer<InetSocketAddress> peers) {
            calls.add(new Call(now, "dht", h, AnnounceRequest.Event.NONE));
            peers.accept(new InetSocketAddress("192.0.2.7", 6881));
            return hang ? new CompletableFuture<>() : CompletableFuture.completedFuture(3);
        }
    }

    static AnnounceResult result(Duration interval) {
        return new AnnounceResult(interval, Optional.empty(), List.of(new InetSocketAddress("198.51.100.1", 51413)),
                1, 1, Optional.empty());
    }

    static InfoHash hash(int i) {
        byte[] b = new byte[20];
        ByteBuffer.wrap(b).putInt(i).putInt(~i);
        return InfoHash.of(b);
    }

    final FakeTrackers trackers = new FakeTrackers();
    final FakeDht dht = new FakeDht();

    Announcer announcer(AnnouncerConfig config) {
        return new Announcer(config, dht, trackers, 6881, PEER_ID, () -> now, new Random(42), false);
    }

    /** Advances the clock in the announcer's tick steps, ticking each time. */
    void run(Announcer a, Duration d) {
        for (long end = now + d.toMillis(); now < end; ) {
            now += Announcer.TICK_MILLIS;
            a.tick();
        }
    }

    @Test
    void hundredThousandTorrentsRegisterFastAndTheRateLimitHolds() {
        AnnouncerConfig config = AnnouncerConfig.builder().dhtAnnouncesPerSecond(10).trackerAnnouncesPerSecond(10)
                .maxConcurrentDht(1000).maxConcurrentTracker(1000).build();
        Announcer a = announcer(config);
        List<List<String>> tiers = List.of(List.of("http://tracker.example.org/announce"));
        long t0 = System.nanoTime();
        for (int i = 0; i < 100_000; i++) {
            assertTrue(a.add(hash(i), tiers));
        }
        long addMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("100,000 torrents registered in " + addMillis + " ms");
        assertTrue(addMillis < 5_000, "registration stays cheap: " + addMillis + " ms"); // typically ~100-300 ms
        assertFalse(a.add(hash(5), tiers), "a second add is a no-op");
        assertEquals(100_000, a.stats().torrents());

        run(a, Duration.ofSeconds(60));
        for (List<Call> calls : List.of(trackers.calls, dht.calls)) {
            Map<Long, Integer> perSecond = new ConcurrentHashMap<>();
            calls.forEach(c -> perSecond.merge(c.at() / 1000, 1, Integer::sum));
            int max = perSecond.values().stream().max(Integer::compare).orElse(0);
            assertTrue(max <= 11, "at most 10 per second (+1 token held for the next tick): " + max);
            assertTrue(calls.size() >= 590 && calls.size() <= 611, "the full rate is used, no more: " + calls.size());
        }
        assertEquals(trackers.calls.size(), a.stats().trackerOk());
        assertEquals(dht.calls.size(), a.stats().dhtOk());
    }

    @Test
    void firstAnnouncesAreSpreadOverTheConfiguredTime() {
        Announcer a = announcer(AnnouncerConfig.builder().dhtAnnouncesPerSecond(10_000).trackerAnnouncesPerSecond(10_000)
                .maxConcurrentDht(10_000).maxConcurrentTracker(10_000).firstAnnounceSpread(Duration.ofSeconds(30)).build());
        long start = now;
        for (int i = 0; i < 3000; i++) {
            a.add(hash(i), List.of(List.of("http://t.example.org/a")));
        }
        run(a, Duration.ofSeconds(31));
        assertEquals(3000, dht.calls.size());
        int[] buckets = new int[10];
        dht.calls.forEach(c -> buckets[(int) Math.min(9, (c.at() - start - 1) / 3000)]++);
        for (int b : buckets) {
            assertTrue(b > 200 && b < 400, "each 3 s slice gets about a tenth: " + java.util.Arrays.toString(buckets));
        }
        // the DHT re-announce comes 20 min ± 25 % later
        dht.calls.clear();
        run(a, Duration.ofMinutes(14));
        assertEquals(0, dht.calls.size(), "none before 15 min");
        run(a, Duration.ofMinutes(12));
        assertEquals(3000, dht.calls.size(), "all between 15 and 26 min");
    }

    @Test
    void tiersFollowBep12AndTheWorkingTrackerMovesToTheFront() {
        Announcer a = announcer(AnnouncerConfig.builder().firstAnnounceSpread(Duration.ZERO).build());
        trackers.answer = url -> url.contains("a.") || url.contains("c.") ? null : result(Duration.ofMinutes(30));
        InfoHash h = hash(1);
        a.add(h, List.of(List.of("http://a.example/ann", "http://b.example/ann"), List.of("http://c.example/ann"),
                List.of()));
        run(a, Duration.ofSeconds(1));
        assertEquals(List.of("http://a.example/ann", "http://b.example/ann"), urls());
        assertEquals(AnnounceRequest.Event.STARTED, trackers.calls.get(1).event());
        trackers.calls.clear();
        run(a, Duration.ofMinutes(31));
        assertEquals(List.of("http://b.example/ann"), urls(), "b is first in its tier now");
        assertEquals(AnnounceRequest.Event.NONE, trackers.calls.get(0).event(), "started only once per tracker");

        // b fails too: a fails, then tier 2 (c) fails: a whole round failed, back off 1 min, then 2 min
        trackers.answer = url -> null;
        trackers.calls.clear();
        run(a, Duration.ofSeconds(29 * 60 + 30)); // up to 30 s past the due re-announce
        assertEquals(List.of("http://b.example/ann", "http://a.example/ann", "http://c.example/ann"), urls());
        long roundEnd = trackers.calls.get(2).at();
        trackers.calls.clear();
        run(a, Duration.ofMinutes(2));
        assertEquals(roundEnd + 60_000, trackers.calls.get(0).at(), "retried after trackerRetry");
        assertEquals(3, trackers.calls.size());
        AnnouncerStats s = a.stats();
        assertTrue(s.lastErrorByHost().get("c.example").contains("refused"), s.toString());
        assertEquals(2, s.trackerOk());
    }

    @Test
    void intervalsAreClampedAndMinIntervalHonoured() {
        Announcer a = announcer(AnnouncerConfig.builder().firstAnnounceSpread(Duration.ZERO)
                .trackerIntervalBounds(Duration.ofMinutes(5), Duration.ofMinutes(60)).build());
        trackers.answer = url -> url.contains("short") ? result(Duration.ofSeconds(10))
                : url.contains("long") ? result(Duration.ofHours(10))
                : new AnnounceResult(Duration.ofMinutes(6), Optional.of(Duration.ofMinutes(20)), List.of(), -1, -1,
                Optional.empty());
        a.add(hash(1), List.of(List.of("http://short.example/a")));
        a.add(hash(2), List.of(List.of("http://long.example/a")));
        a.add(hash(3), List.of(List.of("http://min.example/a")));
        run(a, Duration.ofMinutes(121));
        Map<String, List<Long>> at = new java.util.TreeMap<>();
        trackers.calls.forEach(c -> at.computeIfAbsent(AnnounceSchedule.host(c.url()), k -> new ArrayList<>()).add(c.at()));
        assertEquals(25, at.get("short.example").size(), "every 5 min (the lower bound), not every 10 s");
        assertEquals(3, at.get("long.example").size(), "every 60 min (the upper bound), not every 10 h");
        assertEquals(7, at.get("min.example").size(), "every 20 min (the tracker's min interval)");
    }

    @Test
    void skippedAndUnsupportedTrackersAreNeverAnnouncedTo() {
        Announcer a = announcer(AnnouncerConfig.builder().firstAnnounceSpread(Duration.ZERO).build());
        a.doNotAnnounceTo(url -> url.startsWith("http://site.example/torrent-bridge/"));
        a.add(hash(1), List.of(List.of("http://site.example/torrent-bridge/announce"),
                List.of("wss://tracker.example/announce", "http://ext.example/announce")));
        a.add(hash(2), List.of(List.of("http://site.example/torrent-bridge/announce"), List.of("udp://tracker.example:6969")));
        run(a, Duration.ofSeconds(2));
        assertEquals(java.util.Set.of("http://ext.example/announce", "udp://tracker.example:6969"), java.util.Set.copyOf(urls()),
                "the site's own tracker and a WebTorrent (wss) tracker are skipped; http and udp are announced to");
        assertEquals(2, dht.calls.size(), "the DHT still announces both");
    }

    @Test
    void concurrencyIsBoundedAndTheDhtWaitsForItsRoutingTable() {
        trackers.hang = true;
        dht.hang = true;
        dht.ready = false;
        Announcer a = announcer(AnnouncerConfig.builder().firstAnnounceSpread(Duration.ZERO).maxConcurrentDht(4)
                .maxConcurrentTracker(6).dhtAnnouncesPerSecond(1000).trackerAnnouncesPerSecond(1000).build());
        for (int i = 0; i < 100; i++) {
            a.add(hash(i), List.of(List.of("http://t.example/a")));
        }
        run(a, Duration.ofSeconds(5));
        assertEquals(0, dht.calls.size(), "no DHT announce before the routing table has nodes");
        dht.ready = true;
        run(a, Duration.ofSeconds(5));
        assertEquals(4, dht.calls.size());
        assertEquals(6, trackers.calls.size());
        assertEquals(10, a.stats().inFlight());
    }

    @Test
    void aTorrentAddedLaterIsAnnouncedAtOnce() {
        Announcer a = announcer(AnnouncerConfig.builder().firstAnnounceSpread(Duration.ofSeconds(30)).build());
        run(a, Duration.ofSeconds(31));
        long added = now;
        a.add(hash(7), List.of(List.of("http://t.example.org/a")));
        run(a, Duration.ofSeconds(1));
        assertEquals(1, dht.calls.size(), "a file hashed on its first request is on the DHT within a second");
        assertEquals(1, trackers.calls.size());
        assertTrue(dht.calls.get(0).at() - added <= 1000, "announced " + (dht.calls.get(0).at() - added) + " ms after");
    }

    @Test
    void removeStopsAnnouncingAndSendsStoppedToTheTrackerAnnouncedTo() {
        List<String> peers = new ArrayList<>();
        Announcer a = announcer(AnnouncerConfig.builder().firstAnnounceSpread(Duration.ofSeconds(10)).build());
        a.onPeers((h, p) -> peers.add(h.hex().substring(0, 4) + " " + p.getAddress().getHostAddress()));
        a.add(hash(1), List.of(List.of("http://t.example/a")));
        a.add(hash(2), List.of(List.of("http://t.example/a")));
        run(a, Duration.ofSeconds(11));
        assertTrue(peers.contains(hash(1).hex().substring(0, 4) + " 198.51.100.1"), "tracker peers: " + peers);
        assertFalse(peers.contains(hash(1).hex().substring(0, 4) + " 192.0.2.7"),
                "DHT peers dial the bridge themselves; they are not handed on: " + peers);
        assertTrue(a.remove(hash(1)));
        assertFalse(a.remove(hash(1)));
        trackers.calls.clear();
        dht.calls.clear();
        run(a, Duration.ofHours(2));
        assertEquals(new Call(trackers.calls.get(0).at(), "http://t.example/a", hash(1), AnnounceRequest.Event.STOPPED),
                trackers.calls.get(0));
        assertTrue(trackers.calls.stream().skip(1).allMatch(c -> c.hash().equals(hash(2))), "nothing more for hash 1");
        assertTrue(dht.calls.stream().allMatch(c -> c.hash().equals(hash(2))));
        assertEquals(1, a.stats().torrents());
    }

    @Test
    void configChecksEachSetting() {
        assertThrows(IllegalArgumentException.class, () -> AnnouncerConfig.builder().dhtAnnouncesPerSecond(0));
        assertThrows(IllegalArgumentException.class, () -> AnnouncerConfig.builder().maxConcurrentTracker(0));
        assertThrows(IllegalArgumentException.class, () -> AnnouncerConfig.builder().dhtInterval(Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> AnnouncerConfig.builder()
                .trackerIntervalBounds(Duration.ofMinutes(10), Duration.ofMinutes(5)));
        assertThrows(IllegalArgumentException.class, () -> AnnouncerConfig.builder().numwant(-1));
        assertThrows(IllegalArgumentException.class, () -> new Announcer(AnnouncerConfig.defaults(), dht, trackers, 0,
                PEER_ID, () -> now, new Random(), false));
        assertThrows(IllegalArgumentException.class, () -> new Announcer(AnnouncerConfig.defaults(), dht, trackers, 6881,
                new byte[8], () -> now, new Random(), false));
    }

    List<String> urls() {
        return trackers.calls.stream().map(Call::url).toList();
    }
}
