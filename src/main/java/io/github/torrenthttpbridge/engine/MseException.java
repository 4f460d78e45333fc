package io.github.torrenthttpbridge.engine;

/** Thrown when the peer breaks the MSE protocol, names an unknown torrent, or offers no acceptable crypto. */
final class MseException extends Exception {
    private static final long serialVersionUID = 1L;

    MseException(String msg) {
        super(msg);
    }
}
