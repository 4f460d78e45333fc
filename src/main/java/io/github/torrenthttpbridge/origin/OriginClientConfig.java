package io.github.torrenthttpbridge.origin;

import java.time.Duration;

/**
 * Limits and timeouts for talking to origins.
 *
 * @param maxConnectionsPerOrigin concurrent connections to one origin (host and port)
 * @param maxQueuedPerOrigin      requests allowed to wait for a connection before new ones fail fast
 * @param connectTimeout          TCP connect timeout
 * @param requestTimeout          whole-request timeout for one range request
 * @param idleTimeout             how long a stalled connection may stay silent
 * @param maxAttempts             attempts per range request for transient failures (timeouts, resets, 5xx)
 * @param retryBackoff            wait before the first retry; doubled for each further one
 * @param followRedirects         whether redirects are followed (the probe pins the final URL)
 */
public record OriginClientConfig(int maxConnectionsPerOrigin, int maxQueuedPerOrigin, Duration connectTimeout,
                                 Duration requestTimeout, Duration idleTimeout, int maxAttempts,
                                 Duration retryBackoff, boolean followRedirects) {

    public OriginClientConfig {
        if (maxConnectionsPerOrigin < 1) {
            throw new IllegalArgumentException("maxConnectionsPerOrigin must be at least 1, got " + maxConnectionsPerOrigin);
        }
        if (maxQueuedPerOrigin < 1) {
            throw new IllegalArgumentException("maxQueuedPerOrigin must be at least 1, got " + maxQueuedPerOrigin);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(idleTimeout, "idleTimeout");
        if (retryBackoff == null || retryBackoff.isNegative()) {
            throw new IllegalArgumentException("retryBackoff must not be negative");
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    public static OriginClientConfig defaults() {
        return new OriginClientConfig(8, 1024, Duration.ofSeconds(10), Duration.ofSeconds(60),
                Duration.ofSeconds(30), 3, Duration.ofMillis(250), true);
    }

    public OriginClientConfig withFollowRedirects(boolean follow) {
        return new OriginClientConfig(maxConnectionsPerOrigin, maxQueuedPerOrigin, connectTimeout, requestTimeout,
                idleTimeout, maxAttempts, retryBackoff, follow);
    }

    public OriginClientConfig withMaxConnectionsPerOrigin(int n) {
        return new OriginClientConfig(n, maxQueuedPerOrigin, connectTimeout, requestTimeout, idleTimeout,
                maxAttempts, retryBackoff, followRedirects);
    }

    public OriginClientConfig withTimeouts(Duration connect, Duration request, Duration idle) {
        return new OriginClientConfig(maxConnectionsPerOrigin, maxQueuedPerOrigin, connect, request, idle,
                maxAttempts, retryBackoff, followRedirects);
    }

    public OriginClientConfig withRetries(int attempts, Duration backoff) {
        return new OriginClientConfig(maxConnectionsPerOrigin, maxQueuedPerOrigin, connectTimeout, requestTimeout,
                idleTimeout, attempts, backoff, followRedirects);
    }
}
