/**
 * Verified pieces for the engine: reads byte ranges of a torrent's files (from the origin, in the bridge), checks
 * every piece against its hash, and keeps verified spans in a memory cache over an optional disk cache.
 */
package io.github.torrenthttpbridge.storage;
