package io.github.torrenthttpbridge.bridge;

/** Where a seeded torrent stands. */
public enum SeedState {
    /** Announced and serving verified pieces. */
    SEEDING,
    /** The origin no longer holds the hashed file; nothing more is served. */
    STALE,
    /** Removed from the bridge. */
    STOPPED
}
