package io.github.torrenthttpbridge.site;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import io.github.torrenthttpbridge.torrent.Bencode;
import io.github.torrenthttpbridge.torrent.InvalidTorrentException;
import io.github.torrenthttpbridge.torrent.TorrentCreator;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/**
 * The BEP 52 {@code piece layers} of a v2 or hybrid torrent as the metadata directory keeps them ({@code KEY.layers}:
 * a bencoded dictionary, pieces root to layer), since they live outside {@code info}. Stateless.
 */
final class StoredLayers {
    private StoredLayers() {
    }

    /** The bencoded piece layers of {@code t}; empty for a v1 torrent or one without layers. */
    static byte[] encode(TorrentMetadata t) {
        Map<byte[], byte[]> layers = t.pieceLayers();
        if (layers.isEmpty()) {
            return new byte[0];
        }
        Map<String, Object> dict = new TreeMap<>();
        layers.forEach((root, layer) -> dict.put(new String(root, StandardCharsets.ISO_8859_1), layer));
        return Bencode.encode(dict);
    }

    /** Root to layer, from {@link #encode}'s bytes (empty bytes: no layers). */
    static Map<byte[], byte[]> decode(byte[] bytes) {
        Map<byte[], byte[]> out = new LinkedHashMap<>();
        if (bytes.length == 0) {
            return out;
        }
        for (Map.Entry<String, Object> e : Bencode.decodeDictionary(bytes).dictionary().entrySet()) {
            if (!(e.getValue() instanceof byte[] layer)) {
                throw new InvalidTorrentException("a stored piece layer is not a byte string");
            }
            out.put(e.getKey().getBytes(StandardCharsets.ISO_8859_1), layer);
        }
        return out;
    }

    /** The torrent around a stored {@code info} and its piece layers. */
    static TorrentMetadata torrent(byte[] info, byte[] layers, TorrentCreator.Options options) {
        return TorrentCreator.fromInfo(info, decode(layers), options);
    }
}
