package io.github.torrenthttpbridge.torrent;

/** A {@code .torrent} that cannot be used: malformed, inconsistent, or of a kind the bridge does not seed. */
public class InvalidTorrentException extends RuntimeException {
    public InvalidTorrentException(String message) {
        super(message);
    }

    public InvalidTorrentException(String message, Throwable cause) {
        super(message, cause);
    }
}
