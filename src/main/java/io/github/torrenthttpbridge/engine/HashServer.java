package io.github.torrenthttpbridge.engine;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.torrenthttpbridge.torrent.Merkle;
import io.github.torrenthttpbridge.torrent.TorrentFile;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;

/**
 * Answers BEP 52 {@code hash request}s of one torrent from its piece layers: the hashes asked for at a layer at or
 * above the piece layer, then the uncle hashes that prove them against the file's {@code pieces root}.
 *
 * <p>Semantics as libtorrent 2.0 implements them (it is what v2 clients run): {@code base} is the layer's height
 * above the 16 KiB leaves (0 = leaves); {@code index} and {@code length} pick hashes of that layer; the reply holds
 * those {@code length} hashes, then for every height {@code h} from {@code log2(length)} to {@code proof layers}
 * (above the base layer) the sibling of the requested range's ancestor at that height — nothing when {@code proof
 * layers} is below {@code log2(length)}. Nodes past the file's end are the hashes of all-zero subtrees.
 *
 * <p>Refused (a {@code hash reject}, never an exception): an unknown root; a file without a piece layer; a base
 * below the piece layer (we hold no leaf hashes; libtorrent only asks for them after a piece failed its check, which
 * verified pieces from us never do); the root layer or above; a length that is not a power of two from 2 to
 * {@value #MAX_HASHES}; an index not a multiple of the length or a range past the layer; proof layers reaching the
 * root. The levels above each file's piece layer are computed once, on the first request for that file, and kept
 * (a copy of the piece layer and the levels above it: about twice the piece layer's size; computing them costs one SHA-256
 * per piece, once, on the thread that reads the request).
 */
final class HashServer {
    /** Most hashes one request may ask for (libtorrent's limit too: 256 KiB of hashes). */
    static final int MAX_HASHES = 8192;

    private final TorrentMetadata meta;
    /** Height of the piece layer above the leaves: log2(piece length / 16 KiB). */
    private final int pieceHeight;
    private final Map<Integer, Tree> trees = new ConcurrentHashMap<>();

    HashServer(TorrentMetadata meta) {
        this.meta = meta;
        this.pieceHeight = Merkle.log2(meta.pieceLength() / Merkle.BLOCK);
    }

    /**
     * The {@code hashes} payload (after the 48-byte header) for a request, or null to reject it.
     *
     * @param root 32 bytes at {@code off}: the file's pieces root
     */
    byte[] answer(byte[] root, int off, int base, int index, int length, int proofLayers) {
        if (!meta.hasV2()) {
            return null;
        }
        int f = meta.fileByRoot(root, off);
        if (f < 0) {
            return null;
        }
        TorrentFile file = meta.files().get(f);
        if (file.pad() || file.length() <= meta.pieceLength()) {
            return null;
        }
        long leaves = Merkle.leafCount(Merkle.blocks(file.length()));
        int layers = Merkle.log2(leaves);   // height of the root
        if (base < pieceHeight || base >= layers) {
            return null;
        }
        if (length < 2 || length > MAX_HASHES || Integer.bitCount(length) != 1) {
            return null;
        }
        long width = leaves >>> base;
        if (index < 0 || index % length != 0 || (long) index + length > width) {
            return null;
        }
        if (proofLayers < 0 || proofLayers >= layers - base) {
            return null;
        }
        Tree tree = trees.computeIfAbsent(f, this::build);
        if (tree == null) {
            return null;
        }
        int c = Integer.numberOfTrailingZeros(length);
        int uncles = Math.max(0, proofLayers - c + 1);
        byte[] out = new byte[(length + uncles) * Merkle.HASH];
        for (int i = 0; i < length; i++) {
            tree.node(base, index + i, out, i * Merkle.HASH);
        }
        for (int h = c, at = length; h <= proofLayers; h++, at++) {
            tree.node(base + h, (index >>> h) ^ 1, out, at * Merkle.HASH);
        }
        return out;
    }

    private Tree build(int fileIndex) {
        byte[] layer = meta.pieceLayer(fileIndex).orElse(null);
        if (layer == null) {
            return null;
        }
        TorrentFile file = meta.files().get(fileIndex);
        int top = Merkle.log2(Merkle.leafCount(Merkle.blocks(file.length()))) - pieceHeight;
        byte[][] levels = new byte[top + 1][];
        byte[][] pads = new byte[top + 1][];
        levels[0] = layer;
        pads[0] = Merkle.padHash(pieceHeight);
        MessageDigest d = sha256();
        for (int k = 1; k <= top; k++) {
            byte[] below = levels[k - 1];
            int n = below.length / Merkle.HASH;
            int m = (n + 1) / 2;
            byte[] level = new byte[m * Merkle.HASH];
            for (int i = 0; i < m; i++) {
                d.update(below, 2 * i * Merkle.HASH, Merkle.HASH);
                if (2 * i + 1 < n) {
                    d.update(below, (2 * i + 1) * Merkle.HASH, Merkle.HASH);
                } else {
                    d.update(pads[k - 1]);
                }
                System.arraycopy(d.digest(), 0, level, i * Merkle.HASH, Merkle.HASH);
            }
            d.update(pads[k - 1]);
            d.update(pads[k - 1]);
            pads[k] = d.digest();
            levels[k] = level;
        }
        return new Tree(pieceHeight, levels, pads);
    }

    /** The levels of one file's tree from its piece layer up to its root: real nodes only; the rest are pads. */
    private record Tree(int pieceHeight, byte[][] levels, byte[][] pads) {
        /** Copies the node at {@code height} above the leaves, {@code index} in its layer, into {@code out}. */
        void node(int height, int index, byte[] out, int at) {
            int k = height - pieceHeight;
            byte[] level = levels[k];
            if ((long) index * Merkle.HASH < level.length) {
                System.arraycopy(level, index * Merkle.HASH, out, at, Merkle.HASH);
            } else {
                System.arraycopy(pads[k], 0, out, at, Merkle.HASH);
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
