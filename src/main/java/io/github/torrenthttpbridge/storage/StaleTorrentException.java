package io.github.torrenthttpbridge.storage;

/** The torrent no longer matches its origin; nothing more is served from it. */
public class StaleTorrentException extends RuntimeException {
    public StaleTorrentException(String message, Throwable cause) {
        super(message, cause);
    }
}
