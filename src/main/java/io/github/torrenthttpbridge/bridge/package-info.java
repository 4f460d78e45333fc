/**
 * The library API: {@link io.github.torrenthttpbridge.bridge.TorrentBridge} wires the origin client, piece storage,
 * the peer engine and discovery into one seeder of files at HTTP(S) URLs.
 */
package io.github.torrenthttpbridge.bridge;
