package io.github.torrenthttpbridge.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The meters' Prometheus names, without a running bridge (every value 0 then). */
class TorrentBridgeMetricsTest {
    @Test
    void prometheusNamesFollowItsConventionsAndNoMeterIsPerTorrent() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Micrometer's gauges hold their object weakly: kept reachable here, or a GC before the scrape makes them NaN
        TorrentBridgeMetrics metrics = new TorrentBridgeMetrics(Optional::empty, Optional::empty);
        metrics.bindTo(registry);
        String scrape = registry.scrape();
        java.lang.ref.Reference.reachabilityFence(metrics);
        for (String line : List.of(
                "torrent_bridge_uploaded_bytes_total 0.0",
                "torrent_bridge_origin_received_bytes_total 0.0",
                "torrent_bridge_origin_requests_total 0.0",
                "torrent_bridge_origin_failures_total 0.0",
                "torrent_bridge_pieces_verified_total 0.0",
                "torrent_bridge_verification_failures_total 0.0",
                "torrent_bridge_cache_hits_total 0.0",
                "torrent_bridge_blocks_refused_total 0.0",
                "torrent_bridge_peers 0.0",
                "torrent_bridge_peers_dropped_total{reason=\"flood\"} 0.0",
                "torrent_bridge_peers_dropped_total{reason=\"protocol_error\"} 0.0",
                "torrent_bridge_peers_dropped_total{reason=\"bad_request\"} 0.0",
                "torrent_bridge_peers_dropped_total{reason=\"not_reading\"} 0.0",
                "torrent_bridge_peers_choked_total 0.0",
                "torrent_bridge_handshakes_refused_total 0.0",
                "torrent_bridge_announces_total{result=\"ok\",to=\"dht\"} 0.0",
                "torrent_bridge_announces_total{result=\"failed\",to=\"dht\"} 0.0",
                "torrent_bridge_announces_total{result=\"ok\",to=\"tracker\"} 0.0",
                "torrent_bridge_announces_total{result=\"failed\",to=\"tracker\"} 0.0",
                "torrent_bridge_torrents{state=\"seeding\"} 0.0",
                "torrent_bridge_torrents{state=\"stale\"} 0.0",
                "torrent_bridge_torrents{state=\"hashing\"} 0.0",
                "torrent_bridge_torrents{state=\"failed\"} 0.0",
                "torrent_bridge_hashed_bytes_total 0.0",
                "torrent_bridge_hash_jobs 0.0",
                "torrent_bridge_hash_queue 0.0")) {
            assertTrue(scrape.lines().anyMatch(line::equals), line + " in\n" + scrape);
        }
        assertFalse(scrape.contains("hash=") || scrape.contains("infohash") || scrape.contains("torrent="), scrape);
        assertTrue(scrape.contains("# TYPE torrent_bridge_uploaded_bytes_total counter"), scrape);
        assertTrue(scrape.contains("# TYPE torrent_bridge_peers gauge"), scrape);
    }

    @Test
    void oneScrapeComputesTheTotalsOnce() {
        int[] lookups = {0};
        TorrentBridgeMetrics m = new TorrentBridgeMetrics(() -> {
            lookups[0]++;
            return Optional.empty();
        }, Optional::empty, java.time.Duration.ofHours(1));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        m.bindTo(registry);
        registry.scrape();
        registry.scrape();
        assertEquals(1, lookups[0]);
    }
}
