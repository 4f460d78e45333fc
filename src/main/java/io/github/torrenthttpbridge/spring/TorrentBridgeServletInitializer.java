package io.github.torrenthttpbridge.spring;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;

import io.github.torrenthttpbridge.servlet.TorrentBridgeListener;
import io.github.torrenthttpbridge.servlet.TorrentFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.core.Ordered;

/**
 * Registers {@link TorrentBridgeListener} and {@link TorrentFilter} (on {@code /*}, async supported, after
 * filters of higher precedence such as Spring Security's) in the servlet context Boot starts, and hands the
 * {@code torrent-bridge.*} properties to the listener. A filter of class {@link TorrentFilter} already registered
 * (by the container from the jar's web-fragment) is left alone and nothing is added.
 */
public class TorrentBridgeServletInitializer implements ServletContextInitializer, Ordered {
    private static final Logger LOG = LoggerFactory.getLogger(TorrentBridgeServletInitializer.class);
    /** The filter's name, as in the web-fragment. */
    public static final String FILTER_NAME = "torrent-http-bridge";

    private final Map<String, String> properties;
    private volatile ServletContext servletContext;

    /** @param properties {@code torrent-bridge.*} values set in the application, by full name; already validated */
    public TorrentBridgeServletInitializer(Map<String, String> properties) {
        this.properties = Map.copyOf(properties);
    }

    @Override
    public void onStartup(ServletContext ctx) {
        servletContext = ctx;
        ctx.setAttribute(TorrentBridgeListener.OVERRIDES, properties);
        for (FilterRegistration r : ctx.getFilterRegistrations().values()) {
            if (TorrentFilter.class.getName().equals(r.getClassName())) {
                LOG.info("torrent-http-bridge: the container registered the filter '{}' already (web-fragment); "
                        + "not registering it twice", r.getName());
                return;
            }
        }
        ctx.addListener(new TorrentBridgeListener());
        FilterRegistration.Dynamic filter = ctx.addFilter(FILTER_NAME, new TorrentFilter());
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }

    /** The servlet context this initializer ran in, once it ran. */
    public Optional<ServletContext> servletContext() {
        return Optional.ofNullable(servletContext);
    }

    /** The {@code torrent-bridge.*} properties handed to the listener. */
    public Map<String, String> properties() {
        return properties;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 100;
    }
}
