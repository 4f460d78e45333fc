package io.github.torrenthttpbridge.tracker;

/** A tracker refused an announce ({@code failure reason}), answered with an HTTP error, or answered garbage. */
public final class TrackerException extends Exception {
    private static final long serialVersionUID = 1L;

    public TrackerException(String message) {
        super(message);
    }

    public TrackerException(String message, Throwable cause) {
        super(message, cause);
    }
}
