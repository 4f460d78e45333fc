package io.github.torrenthttpbridge.origin;

import java.net.URI;

/** The origin did not answer as the bridge needs; the message names the URL and what it answered. */
public class OriginException extends RuntimeException {
    private final URI url;
    private final boolean transientFailure;

    public OriginException(URI url, String message, boolean transientFailure, Throwable cause) {
        super(url + ": " + message, cause);
        this.url = url;
        this.transientFailure = transientFailure;
    }

    public OriginException(URI url, String message, boolean transientFailure) {
        this(url, message, transientFailure, null);
    }

    public URI url() {
        return url;
    }

    /** Whether trying again later may succeed (timeouts, resets, 5xx), as opposed to a wrong answer. */
    public boolean isTransient() {
        return transientFailure;
    }
}
