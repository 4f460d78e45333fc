package io.github.torrenthttpbridge.swarm;

import java.util.Map;

/**
 * A snapshot of an {@link Announcer}'s figures.
 *
 * @param torrents          torrents registered
 * @param dhtOk             DHT announces that reached at least one node, since start
 * @param dhtFailed         DHT announces that reached none or missed their deadline
 * @param trackerOk         tracker announces answered without a failure
 * @param trackerFailed     tracker announces refused, failed or timed out
 * @param inFlight          announces running now (DHT and trackers)
 * @param lastErrorByHost   the latest error per tracker host (at most {@value Announcer#MAX_ERROR_HOSTS} hosts, the
 *                          most recent kept)
 */
public record AnnouncerStats(int torrents, long dhtOk, long dhtFailed, long trackerOk, long trackerFailed,
                             int inFlight, Map<String, String> lastErrorByHost) {
    public AnnouncerStats {
        lastErrorByHost = Map.copyOf(lastErrorByHost);
    }
}
