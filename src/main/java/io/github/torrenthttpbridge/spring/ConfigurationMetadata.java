package io.github.torrenthttpbridge.spring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.github.torrenthttpbridge.servlet.BridgeSettings;

/**
 * Writes {@code META-INF/spring-configuration-metadata.json} (IDE completion for {@code torrent-bridge.*} in
 * {@code application.properties}) from the settings table ({@link io.github.torrenthttpbridge.settings.Settings}), so it always names the same parameters,
 * defaults and meanings as the filter. Run by the build (process-classes).
 */
final class ConfigurationMetadata {
    private ConfigurationMetadata() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0], "META-INF", "spring-configuration-metadata.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json(), StandardCharsets.UTF_8);
    }

    static String json() {
        StringBuilder sb = new StringBuilder("{\n  \"groups\": [\n    {\"name\": \"torrent-bridge\", \"description\": "
                + "\"torrent-http-bridge: seeds the site's files over BitTorrent\", \"sourceType\": \""
                + TorrentBridgeAutoConfiguration.class.getName() + "\"}\n  ],\n  \"properties\": [\n");
        boolean first = true;
        for (var e : BridgeSettings.parameters()) {
            String def = e.shownDefault();
            String type = switch (e.kind()) {
                case BOOLEAN -> "java.lang.Boolean";
                case INTEGER -> "java.lang.Long";
                default -> "java.lang.String";
            };
            sb.append(first ? "" : ",\n").append("    {\"name\": ").append(quote(e.name()))
                    .append(", \"type\": ").append(quote(type))
                    .append(", \"description\": ").append(quote(capitalize(e.doc()) + "."));
            if (e.hasValueDefault()) {
                sb.append(", \"defaultValue\": ").append(type.equals("java.lang.String") ? quote(def) : def);
            }
            sb.append(", \"sourceType\": ").append(quote(TorrentBridgeAutoConfiguration.class.getName())).append('}');
            first = false;
        }
        return sb.append("\n  ]\n}\n").toString();
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
