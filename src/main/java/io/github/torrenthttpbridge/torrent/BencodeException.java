package io.github.torrenthttpbridge.torrent;

/** Malformed or non-canonical bencoded data. */
public class BencodeException extends RuntimeException {
    public BencodeException(String message) {
        super(message);
    }
}
