package io.github.torrenthttpbridge.spring;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.torrenthttpbridge.servlet.BridgeSettings;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/** Reads the {@code torrent-bridge.*} properties from Spring's environment and checks them as the filter would. */
final class SpringSettings {
    private SpringSettings() {
    }

    /**
     * The parameters the application sets, by full name. Spring's relaxed binding applies (environment variables
     * such as {@code TORRENTBRIDGE_PORT} for {@code torrent-bridge.port}); list parameters may also be YAML lists. Checked at once, so a bad
     * value stops the application at start-up with the same message the filter gives.
     */
    static Map<String, String> read(Environment environment) {
        Binder binder = Binder.get(environment);
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : BridgeSettings.parameters().stream().map(p -> p.name()).toList()) {
            var single = binder.bind(name, String.class);
            if (single.isBound()) {
                out.put(name, single.get());
            } else {
                binder.bind(name, Bindable.listOf(String.class)).ifBound(list -> out.put(name, String.join(",", list)));
            }
        }
        io.github.torrenthttpbridge.settings.Settings.requireKnown(givenNames(environment), "property");
        BridgeSettings.parse(out::get, Path.of(System.getProperty("java.io.tmpdir")));
        return out;
    }

    /**
     * The {@code torrent-bridge.*} names the application's property sources list, in the table's form
     * ({@code maxUploadKib} and {@code max_upload_kib} read as {@code max-upload-kib}; list indexes dropped).
     * Environment variables ({@code TORRENTBRIDGE_...}) are not listed: they are bound, not checked by name.
     */
    static java.util.Set<String> givenNames(Environment environment) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        if (environment instanceof org.springframework.core.env.ConfigurableEnvironment c) {
            for (var source : c.getPropertySources()) {
                if (source instanceof org.springframework.core.env.EnumerablePropertySource<?> e) {
                    for (String n : e.getPropertyNames()) {
                        if (n.startsWith(BridgeSettings.PREFIX)) {
                            names.add(BridgeSettings.PREFIX + n.substring(BridgeSettings.PREFIX.length())
                                    .replaceAll("\\[\\d+]$", "").replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                                    .replace('_', '-').toLowerCase(java.util.Locale.ROOT));
                        }
                    }
                }
            }
        }
        return names;
    }
}
