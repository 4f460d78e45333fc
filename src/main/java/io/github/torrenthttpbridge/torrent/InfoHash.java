package io.github.torrenthttpbridge.torrent;

import java.util.Arrays;
import java.util.HexFormat;

/** A BitTorrent v1 info hash: the SHA-1 of the bencoded {@code info} dictionary. */
public final class InfoHash {
    private final byte[] bytes;

    private InfoHash(byte[] bytes) {
        this.bytes = bytes;
    }

    public static InfoHash of(byte[] bytes) {
        if (bytes == null || bytes.length != 20) {
            throw new IllegalArgumentException("an info hash has 20 bytes");
        }
        return new InfoHash(bytes.clone());
    }

    public static InfoHash fromHex(String hex) {
        if (hex == null || hex.length() != 40) {
            throw new IllegalArgumentException("an info hash is 40 hex digits: " + hex);
        }
        return new InfoHash(HexFormat.of().parseHex(hex));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InfoHash other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
