/**
 * The announce schedule: keeps every seeded torrent announced on the DHT and to its trackers, spread over time and
 * rate-limited, from one thread.
 */
package io.github.torrenthttpbridge.swarm;
