package io.github.torrenthttpbridge.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.torrenthttpbridge.metrics.TorrentBridgeMetrics;
import io.github.torrenthttpbridge.servlet.BridgeSettings;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The auto-configuration's conditions and property handling, in application contexts without a server. */
class TorrentBridgeAutoConfigurationTest {
    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TorrentBridgeAutoConfiguration.class));

    @Test
    void aServletWebApplicationGetsTheInitializerAndMetricsConfiguredFromItsProperties() {
        web.withPropertyValues("torrent-bridge.port=6999", "torrent-bridge.min-size=4096",
                        "torrent-bridge.trackers[0]=udp://a.example:1337/announce",
                        "torrent-bridge.trackers[1]=http://b.example/announce")
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(TorrentBridgeServletInitializer.class);
                    assertThat(ctx).hasSingleBean(TorrentBridgeMetrics.class);
                    Map<String, String> p = ctx.getBean(TorrentBridgeServletInitializer.class).properties();
                    assertEquals("6999", p.get("torrent-bridge.port"));
                    assertEquals("4096", p.get("torrent-bridge.min-size"));
                    assertEquals("udp://a.example:1337/announce,http://b.example/announce", p.get("torrent-bridge.trackers"));
                    assertFalse(p.containsKey("torrent-bridge.dht"), "only what the application sets: " + p);
                });
    }

    @Test
    void environmentVariablesBindRelaxed() {
        web.withInitializer(ctx -> ctx.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("test-systemEnvironment", Map.of("TORRENTBRIDGE_MINSIZE", "2048",
                                "TORRENTBRIDGE_DHT", "false"))))
                .run(ctx -> {
                    Map<String, String> p = ctx.getBean(TorrentBridgeServletInitializer.class).properties();
                    assertEquals("2048", p.get("torrent-bridge.min-size"));
                    assertEquals("false", p.get("torrent-bridge.dht"));
                });
    }

    @Test
    void aBadValueStopsTheApplicationWithTheFiltersMessage() {
        web.withPropertyValues("torrent-bridge.port=70000").run(ctx -> {
            assertThat(ctx).hasFailed();
            List<String> messages = new ArrayList<>();
            for (Throwable t = ctx.getStartupFailure(); t != null; t = t.getCause()) {
                messages.add(t.getMessage());
            }
            assertTrue(messages.contains("bad value '70000' for torrent-bridge.port: expected an integer from 0 to 65535"),
                    messages.toString());
        });
    }

    @Test
    void aMistypedPropertyStopsTheApplicationNamingTheClosestOne() {
        web.withPropertyValues("torrent-bridge.max-upload-kb=100").run(ctx -> {
            assertThat(ctx).hasFailed();
            List<String> messages = new ArrayList<>();
            for (Throwable t = ctx.getStartupFailure(); t != null; t = t.getCause()) {
                messages.add(t.getMessage());
            }
            assertTrue(messages.contains("unknown property torrent-bridge.max-upload-kb (did you mean torrent-bridge.max-upload-kib?)"),
                    messages.toString());
        });
        web.withPropertyValues("torrent-bridge.maxUploadKib=100", "torrent-bridge.include[0]=/files/*")
                .run(ctx -> assertThat(ctx).hasNotFailed());
    }

    /** Each property's type and default in the metadata are its row's in the settings table. */
    @Test
    void theMetadataIsTheSettingsTable() {
        String json = ConfigurationMetadata.json();
        for (var s : io.github.torrenthttpbridge.settings.Settings.all()) {
            String type = switch (s.kind()) {
                case BOOLEAN -> "java.lang.Boolean";
                case INTEGER -> "java.lang.Long";
                default -> "java.lang.String";
            };
            String head = "{\"name\": \"" + s.name() + "\", \"type\": \"" + type + "\"";
            assertTrue(json.contains(head), head);
            if (s.kind() == io.github.torrenthttpbridge.settings.Setting.Kind.INTEGER) {
                assertTrue(json.contains(head + ", \"description\": " + ConfigurationMetadata.quote(
                        Character.toUpperCase(s.doc().charAt(0)) + s.doc().substring(1) + ".") + ", \"defaultValue\": " + s.shownDefault()),
                        s.name());
            }
        }
    }

    @Test
    void offWithEnabledFalse() {
        web.withPropertyValues("torrent-bridge.enabled=false").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).doesNotHaveBean(TorrentBridgeServletInitializer.class);
            assertThat(ctx).doesNotHaveBean(TorrentBridgeMetrics.class);
        });
    }

    @Test
    void notInANonWebApplication() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TorrentBridgeAutoConfiguration.class))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(TorrentBridgeServletInitializer.class));
    }

    @Test
    void everyFilterParameterIsInTheConfigurationMetadata() {
        String json = ConfigurationMetadata.json();
        for (var e : BridgeSettings.parameters()) {
            assertTrue(json.contains("{\"name\": \"" + e.name() + "\""), e.name());
        }
        assertTrue(json.contains("\"name\": \"torrent-bridge.port\", \"type\": \"java.lang.Long\""), json);
        assertTrue(json.contains("\"defaultValue\": 6881"), json);
        assertTrue(json.contains("\"name\": \"torrent-bridge.dht\", \"type\": \"java.lang.Boolean\""), json);
        // parenthesized defaults are descriptions of a computed default, not values
        assertFalse(json.contains("\"defaultValue\": \"(derived)\""), json);
        assertEquals(BridgeSettings.parameters().size(), json.split("\"sourceType\"").length - 2);
    }

    @Test
    void theBuildShipsTheMetadataAndTheAutoConfigurationImport() throws Exception {
        var cl = getClass().getClassLoader();
        try (var in = cl.getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertEquals(ConfigurationMetadata.json(), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        try (var in = cl.getResourceAsStream("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
            assertEquals(TorrentBridgeAutoConfiguration.class.getName(),
                    new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip());
        }
    }
}
