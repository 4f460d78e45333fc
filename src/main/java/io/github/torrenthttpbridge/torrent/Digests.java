package io.github.torrenthttpbridge.torrent;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** New SHA-1 and SHA-256 digests (every JDK has both). */
final class Digests {
    private Digests() {
    }

    static MessageDigest sha1() {
        return digest("SHA-1");
    }

    static MessageDigest sha256() {
        return digest("SHA-256");
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " is not available", e);
        }
    }
}
