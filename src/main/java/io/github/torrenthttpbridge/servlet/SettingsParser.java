package io.github.torrenthttpbridge.servlet;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ObjLongConsumer;

import io.github.torrenthttpbridge.engine.PeerBudgets;
import io.github.torrenthttpbridge.settings.Setting;
import io.github.torrenthttpbridge.settings.Settings;
import io.github.torrenthttpbridge.torrent.TorrentVersion;


/**
 * How each {@code torrent-bridge.*} setting's text becomes a {@link BridgeSettings.Builder} setting. Names, types,
 * defaults and ranges are the {@link Settings} table's; a parameter that is not set, or set blank, keeps the
 * builder's default (the table's).
 */
final class SettingsParser {
    private SettingsParser() {
    }

    /** The placeholders release 0.1's demo web.xml used as values; read as "not set" so old web.xml files still deploy. */
    private static final Set<String> OLD_PLACEHOLDERS = Set.of("(derived)", "(origin)", "(temp dir)/torrent-bridge");

    /**
     * Reads every setting through {@code get}; {@code given}, the names the deployment sets, must all be settings
     * (a typo stops the start with the closest known name).
     */
    static BridgeSettings parse(Function<String, String> get, Collection<String> given, String where, BridgeSettings.Builder b) {
        Settings.requireKnown(given, where);
        for (Setting s : Settings.all()) {
            String v = get.apply(s.name());
            if (v != null && !v.isBlank() && !OLD_PLACEHOLDERS.contains(v.trim())) {
                set(b, s, v.trim());
            }
        }
        return b.build();
    }

    /** Sets a setting from its text. */
    static void set(BridgeSettings.Builder b, Setting s, String v) {
        switch (s.key()) {
            case "enabled" -> b.enabled(s.parseBoolean(v));
            case "include" -> b.include(s.parseList(v));
            case "exclude" -> b.exclude(s.parseList(v));
            case "min-size" -> b.minSize(s.parseLong(v));
            case "piece-size" -> b.pieceSize(v.equals("auto") ? 0 : pieceSize(s, v));
            case "bind" -> b.bindAddress(s.parseAddress(v));
            case "port" -> b.port((int) s.parseLong(v));
            case "announce-address" -> b.announceAddress(s.parseHostPort(v));
            case "hash-lease" -> b.hashLease(Duration.ofSeconds(s.parseLong(v)));
            case "dht" -> b.dht(s.parseBoolean(v));
            case "dht-port" -> b.dhtPort((int) s.parseLong(v));
            case "dht-bootstrap" -> b.dhtBootstrap(s.parseHostPorts(v));
            case "dht-public-routers" -> b.dhtPublicRouters(s.parseBoolean(v));
            case "origin" -> b.origin(url(s, v));
            case "metadata-dir" -> b.metadataDir(Path.of(v));
            case "cache-mib" -> b.cacheMiB(s.parseLong(v));
            case "disk-cache-mib" -> b.diskCacheMiB(s.parseLong(v));
            case "disk-cache-dir" -> b.diskCacheDir(Path.of(v));
            case "trackers" -> b.trackers(s.parseList(v));
            case "trusted-proxies" -> b.trustedProxies(s.parseList(v));
            case "webseed" -> b.webSeed(s.parseBoolean(v));
            case "inject-links" -> b.injectLinks(s.parseBoolean(v));
            case "inject-paths" -> b.injectPaths(s.parseList(v));
            case "status-path" -> b.statusPath(v);
            case "hash-jobs" -> b.hashJobs((int) s.parseLong(v));
            case "max-wait" -> b.maxWait(Duration.ofSeconds(s.parseLong(v)));
            case "tracker" -> b.tracker(s.parseBoolean(v));
            case "public-url" -> b.publicUrl(url(s, v));
            case "max-peers" -> b.maxPeers((int) s.parseLong(v));
            case "max-peers-per-torrent" -> b.maxPeersPerTorrent((int) s.parseLong(v));
            case "max-upload-kib" -> b.maxUploadKiB(s.parseLong(v));
            case "origin-connections" -> b.originConnections((int) s.parseLong(v));
            case "hash-queue" -> b.hashQueue((int) s.parseLong(v));
            case "metadata-max-mib" -> b.metadataMaxMiB(s.parseLong(v));
            case "max-folder-files" -> b.maxFolderFiles((int) s.parseLong(v));
            case "max-folder-bytes" -> b.maxFolderBytes(s.parseLong(v));
            case "max-peers-per-ip" -> budget(b, s, v, (x, k) -> x.maxPeersPerIp((int) k));
            case "max-handshakes" -> budget(b, s, v, (x, k) -> x.maxHandshakes((int) k));
            case "max-handshakes-per-ip" -> budget(b, s, v, (x, k) -> x.maxHandshakesPerIp((int) k));
            case "key-exchanges-per-second" -> budget(b, s, v, (x, k) -> x.encryptedHandshakesPerSecond((int) k));
            case "send-buffer-kib" -> budget(b, s, v, PeerBudgets.Builder::sendBufferBytes);
            case "send-total-mib" -> budget(b, s, v, PeerBudgets.Builder::totalSendBytes);
            case "pinned-mib-per-peer" -> budget(b, s, v, PeerBudgets.Builder::pinnedBytesPerPeer);
            case "origin-loads-per-peer" -> budget(b, s, v, (x, k) -> x.originLoadsPerPeer((int) k));
            case "origin-ratio" -> budget(b, s, v, (x, k) -> x.originRatio((int) k));
            case "origin-allowance-mib" -> budget(b, s, v, PeerBudgets.Builder::originAllowanceBytes);
            case "seeding" -> {
                try {
                    b.seeding(io.github.torrenthttpbridge.engine.SeedingMode.of(v));
                } catch (IllegalArgumentException e) {
                    throw s.bad(v, "economical or plain");
                }
            }
            case "torrent-version" -> {
                try {
                    b.torrentVersion(TorrentVersion.parse(v));
                } catch (IllegalArgumentException e) {
                    throw s.bad(v, "v1, hybrid or v2");
                }
            }
            default -> throw new IllegalStateException("no reader for " + s.name());
        }
    }

    private static int pieceSize(Setting s, String v) {
        try {
            return (int) Math.min(Integer.MAX_VALUE, Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw s.bad(v, "auto or a power of two between 16384 and 16777216");
        }
    }

    private static URI url(Setting s, String v) {
        try {
            return URI.create(v);
        } catch (IllegalArgumentException e) {
            throw s.bad(v, "an absolute http(s) URL without query or fragment");
        }
    }

    /** A peer budget: the value in the setting's unit, in range by the table, given to the budgets times the unit. */
    private static void budget(BridgeSettings.Builder b, Setting s, String v, ObjLongConsumer<PeerBudgets.Builder> set) {
        long n = s.parseLong(v);
        b.peerBudgets(x -> set.accept(x, n * s.unit()));
    }

    /** Every setting's name, for the tests. */
    static List<Setting> settings() {
        return Settings.all();
    }
}
