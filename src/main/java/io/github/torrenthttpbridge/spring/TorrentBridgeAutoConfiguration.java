package io.github.torrenthttpbridge.spring;

import io.github.torrenthttpbridge.metrics.TorrentBridgeMetrics;
import io.github.torrenthttpbridge.servlet.TorrentBridgeListener;
import io.github.torrenthttpbridge.servlet.TorrentFilter;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.servlet.Filter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Spring Boot auto-configuration: in a servlet web application, registers the bridge's listener and filter on
 * {@code /*} (Boot's embedded containers ignore the jar's {@code web-fragment.xml}), configured from the
 * application's properties {@code torrent-bridge.*} (the same names, defaults and checks as the context
 * parameters; a bad value stops the application at start-up with a message naming the property). Off with
 * {@code torrent-bridge.enabled=false}. When the container has already registered the filter from the
 * web-fragment (a Boot WAR in an external container), nothing is registered twice: the properties are handed to
 * the fragment's listener instead. With Micrometer present, {@link TorrentBridgeMetrics} is bound to the
 * application's registries.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({Filter.class, TorrentFilter.class})
@ConditionalOnProperty(prefix = "torrent-bridge", name = "enabled", havingValue = "true", matchIfMissing = true)
public class TorrentBridgeAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public TorrentBridgeServletInitializer torrentBridgeServletInitializer(Environment environment) {
        return new TorrentBridgeServletInitializer(SpringSettings.read(environment));
    }

    /** Metrics, when the application has Micrometer. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        TorrentBridgeMetrics torrentBridgeMetrics(TorrentBridgeServletInitializer initializer) {
            return new TorrentBridgeMetrics(() -> initializer.servletContext().flatMap(TorrentBridgeListener::bridgeOf),
                    () -> initializer.servletContext().flatMap(TorrentBridgeListener::siteOf));
        }
    }
}
