package io.github.torrenthttpbridge.tracker;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A tracker's answer to an announce.
 *
 * @param interval    seconds the tracker wants between regular announces
 * @param minInterval the tracker's {@code min interval}, if it sent one
 * @param peers       peers from {@code peers} (compact BEP 23 or dictionary form) and {@code peers6} (BEP 7)
 * @param seeders     {@code complete}, or -1 when absent
 * @param leechers    {@code incomplete}, or -1 when absent
 * @param warning     the tracker's {@code warning message}, if any
 */
public record AnnounceResult(Duration interval, Optional<Duration> minInterval, List<InetSocketAddress> peers,
                             int seeders, int leechers, Optional<String> warning) {
    public AnnounceResult {
        peers = List.copyOf(peers);
    }
}
