package io.github.torrenthttpbridge.storage;

/** Bytes fetched for a piece do not match the piece's SHA-1: they are never uploaded. */
public class PieceVerificationException extends RuntimeException {
    public PieceVerificationException(String message) {
        super(message);
    }
}
