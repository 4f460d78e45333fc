/**
 * The torrent model: strict bencoding, parsing and validating metainfo (v1, v2, hybrid), info hashes, piece
 * verification, and creating deterministic torrents from streams.
 */
package io.github.torrenthttpbridge.torrent;
