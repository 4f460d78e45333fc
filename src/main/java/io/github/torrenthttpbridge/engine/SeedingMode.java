package io.github.torrenthttpbridge.engine;

import java.util.Locale;

/** How the seed shows its pieces to peers ({@code torrent-bridge.seeding}). */
public enum SeedingMode {
    /**
     * Shows each peer a few pieces at a time that the swarm lacks, so each piece leaves the seed about once while the
     * peers pass it on to each other; a peer with nobody to trade with gets whatever it lacks.
     */
    ECONOMICAL,
    /** Announces every piece to every peer: each peer takes what it likes from the seed (an ordinary seed; the default). */
    PLAIN;

    /** The mode named {@code name} (case-insensitive): {@code economical} or {@code plain}. */
    public static SeedingMode of(String name) {
        for (SeedingMode m : values()) {
            if (m.name().equalsIgnoreCase(name.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("seeding mode '" + name + "': expected economical or plain");
    }

    /** The name in settings: {@code economical} or {@code plain}. */
    public String settingName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
