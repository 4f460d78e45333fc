package io.github.torrenthttpbridge.torrent;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * Checks a piece's bytes against its torrent: SHA-1 where the torrent has v1 hashes (v1, hybrid), else the BEP 52
 * merkle tree of the file the piece belongs to, with every byte past the file's end required to be zero.
 */
public final class PieceVerifier {
    private final TorrentMetadata torrent;
    private final List<TorrentFile> files;
    private final long[] starts;

    public PieceVerifier(TorrentMetadata torrent) {
        this.torrent = torrent;
        this.files = torrent.hasV1() ? List.of() : torrent.files();
        this.starts = files.stream().mapToLong(TorrentFile::offset).toArray();
    }

    /** Whether {@code data[off, off + len)} is piece {@code index}: {@code len} must be its exact size. */
    public boolean verify(int index, byte[] data, int off, int len) {
        if (index < 0 || index >= torrent.pieceCount() || len != torrent.pieceSize(index)) {
            return false;
        }
        if (torrent.hasV1()) {
            MessageDigest sha1 = Digests.sha1();
            sha1.update(data, off, len);
            return torrent.pieceHashMatches(index, sha1.digest());
        }
        long at = torrent.pieceOffset(index);
        int f = fileAt(at);
        if (f < 0) {
            return allZero(data, off, len);  // a gap between two files
        }
        TorrentFile file = files.get(f);
        long inFile = at - file.offset();
        int fileBytes = (int) Math.min(len, file.length() - inFile);
        if (!allZero(data, off + fileBytes, len - fileBytes)) {
            return false;
        }
        int pieceLength = torrent.pieceLength();
        if (file.length() <= pieceLength) {
            byte[] root = Merkle.rootOfData(data, off, fileBytes, Merkle.leafCount(Merkle.blocks(file.length())));
            return file.rootEquals(root, 0);
        }
        byte[] layer = torrent.layerOf(f);
        if (layer == null) {
            return false;
        }
        int pieceInFile = (int) (inFile / pieceLength);
        byte[] hash = Merkle.rootOfData(data, off, fileBytes, pieceLength / Merkle.BLOCK);
        return Arrays.equals(hash, 0, Merkle.HASH, layer, pieceInFile * Merkle.HASH, (pieceInFile + 1) * Merkle.HASH);
    }

    /** The non-empty file holding byte {@code at} of the piece space, or -1 (non-empty files never overlap). */
    private int fileAt(long at) {
        int lo = 0;
        int hi = starts.length;  // first index whose start is past at
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= at) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int j = lo - 1; j >= 0; j--) {
            TorrentFile file = files.get(j);
            if (file.length() > 0) {
                return at < file.offset() + file.length() ? j : -1;
            }
        }
        return -1;
    }

    private static boolean allZero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
