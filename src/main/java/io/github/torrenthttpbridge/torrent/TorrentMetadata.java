package io.github.torrenthttpbridge.torrent;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated single-file BitTorrent v1 metainfo ({@code .torrent}).
 *
 * <p>Parsing refuses inconsistent or absurd metadata before allocating anything sized by it: the
 * {@code pieces} string must hold exactly one 20-byte hash per piece of {@code length}, which bounds the
 * piece count by the input size.
 */
public final class TorrentMetadata {
    /** Largest {@code .torrent} accepted, in bytes. */
    public static final int MAX_TORRENT_BYTES = 32 * 1024 * 1024;
    /** Largest file length accepted (1 PiB). */
    public static final long MAX_LENGTH = 1L << 50;

    /** The whole .torrent; {@code info} and the piece hashes are read in place (one copy per torrent: a mirror has
     * 100,000 of them). */
    private final byte[] encoded;
    private final int infoStart;
    private final int infoEnd;
    private final InfoHash infoHash;
    private final String name;
    private final long length;
    private final int pieceLength;
    /** The piece hashes: {@link #encoded} itself from {@link #piecesOffset}, or a copy when they could not be found. */
    private final byte[] pieces;
    private final int piecesOffset;
    private final List<List<String>> trackerTiers;
    private final List<String> webSeeds;
    private final boolean isPrivate;

    private TorrentMetadata(byte[] encoded, int infoStart, int infoEnd, String name, long length, int pieceLength,
                            byte[] pieces, List<List<String>> trackerTiers, List<String> webSeeds, boolean isPrivate) {
        this.encoded = encoded;
        this.infoStart = infoStart;
        this.infoEnd = infoEnd;
        this.infoHash = InfoHash.of(sha1(encoded, infoStart, infoEnd - infoStart));
        this.name = name;
        this.length = length;
        this.pieceLength = pieceLength;
        int at = find(encoded, infoStart, infoEnd, pieces);
        this.pieces = at >= 0 ? encoded : pieces;
        this.piecesOffset = Math.max(at, 0);
        this.trackerTiers = trackerTiers;
        this.webSeeds = webSeeds;
        this.isPrivate = isPrivate;
    }

    /** Parses and validates a {@code .torrent}; any problem is an {@link InvalidTorrentException} saying what. */
    public static TorrentMetadata parse(byte[] torrent) {
        if (torrent == null || torrent.length == 0) {
            throw new InvalidTorrentException("the .torrent is empty");
        }
        if (torrent.length > MAX_TORRENT_BYTES) {
            throw new InvalidTorrentException("the .torrent is " + torrent.length + " bytes, more than the "
                    + MAX_TORRENT_BYTES + " accepted");
        }
        Bencode.TopLevel top;
        try {
            top = Bencode.decodeDictionary(torrent);
        } catch (BencodeException e) {
            throw new InvalidTorrentException("the .torrent is not valid bencoding: " + e.getMessage(), e);
        }
        Map<String, Object> root = top.dictionary();
        Object infoValue = root.get("info");
        if (!(infoValue instanceof Map<?, ?> info)) {
            throw new InvalidTorrentException("the .torrent has no 'info' dictionary");
        }
        int[] span = top.spans().get("info");

        if (info.containsKey("files")) {
            throw new InvalidTorrentException("multi-file torrents are not supported: one torrent bridges one URL");
        }
        if (info.containsKey("meta version") && !(info.containsKey("pieces"))) {
            throw new InvalidTorrentException("BitTorrent v2-only torrents are not supported (no 'pieces')");
        }
        String name = utf8(info.containsKey("name.utf-8") ? info.get("name.utf-8") : info.get("name"), "info.name");
        if (name.isEmpty()) {
            throw new InvalidTorrentException("'info.name' is empty");
        }
        long length = integer(info.get("length"), "info.length");
        if (length <= 0 || length > MAX_LENGTH) {
            throw new InvalidTorrentException("'info.length' must be between 1 and 2^50 bytes, got " + length);
        }
        long pieceLength = integer(info.get("piece length"), "info.piece length");
        if (pieceLength <= 0 || pieceLength > PieceSize.MAX_ACCEPTED) {
            throw new InvalidTorrentException("'info.piece length' must be between 1 and " + PieceSize.MAX_ACCEPTED
                    + " bytes, got " + pieceLength);
        }
        if (!(info.get("pieces") instanceof byte[] pieces)) {
            throw new InvalidTorrentException("'info.pieces' is missing or not a byte string");
        }
        long count = PieceSize.pieceCount(length, pieceLength);
        if (pieces.length != count * 20) {
            throw new InvalidTorrentException("'info.pieces' holds " + pieces.length + " bytes but a file of " + length
                    + " bytes in pieces of " + pieceLength + " needs " + count + " hashes (" + count * 20 + " bytes)");
        }
        boolean isPrivate = info.get("private") instanceof Long p && p == 1L;

        List<List<String>> tiers = new ArrayList<>();
        if (root.get("announce-list") instanceof List<?> list) {
            for (Object tier : list) {
                if (tier instanceof List<?> urls) {
                    List<String> t = new ArrayList<>();
                    for (Object u : urls) {
                        if (u instanceof byte[] b) {
                            t.add(new String(b, StandardCharsets.UTF_8));
                        }
                    }
                    if (!t.isEmpty()) {
                        tiers.add(List.copyOf(t));
                    }
                }
            }
        }
        if (tiers.isEmpty() && root.get("announce") instanceof byte[] announce && announce.length > 0) {
            tiers.add(List.of(new String(announce, StandardCharsets.UTF_8)));
        }
        List<String> seeds = new ArrayList<>();
        Object urlList = root.get("url-list");
        if (urlList instanceof byte[] b && b.length > 0) {
            seeds.add(new String(b, StandardCharsets.UTF_8));
        } else if (urlList instanceof List<?> l) {
            for (Object u : l) {
                if (u instanceof byte[] b && b.length > 0) {
                    seeds.add(new String(b, StandardCharsets.UTF_8));
                }
            }
        }
        return new TorrentMetadata(torrent.clone(), span[0], span[1], name, length, (int) pieceLength, pieces,
                List.copyOf(tiers), List.copyOf(seeds), isPrivate);
    }

    private static String utf8(Object value, String field) {
        if (!(value instanceof byte[] b)) {
            throw new InvalidTorrentException("'" + field + "' is missing or not a byte string");
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    private static long integer(Object value, String field) {
        if (!(value instanceof Long l)) {
            throw new InvalidTorrentException("'" + field + "' is missing or not an integer");
        }
        return l;
    }

    /** Where the bencoded byte string {@code pieces} sits in {@code b[from, to)}, or -1. */
    private static int find(byte[] b, int from, int to, byte[] pieces) {
        byte[] key = ("6:pieces" + pieces.length + ":").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = from; i + key.length + pieces.length <= to; i++) {
            if (Arrays.equals(b, i, i + key.length, key, 0, key.length)
                    && Arrays.equals(b, i + key.length, i + key.length + pieces.length, pieces, 0, pieces.length)) {
                return i + key.length;
            }
        }
        return -1;
    }

    static byte[] sha1(byte[] data, int offset, int len) {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-1");
            d.update(data, offset, len);
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
    }

    static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
    }

    /** The complete {@code .torrent} bytes. */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** The raw bencoded {@code info} dictionary (what BEP 9 metadata exchange serves). */
    public byte[] infoBytes() {
        return Arrays.copyOfRange(encoded, infoStart, infoEnd);
    }

    /** Length of the bencoded {@code info} dictionary. */
    public int infoLength() {
        return infoEnd - infoStart;
    }

    public InfoHash infoHash() {
        return infoHash;
    }

    public String name() {
        return name;
    }

    public long length() {
        return length;
    }

    public int pieceLength() {
        return pieceLength;
    }

    public int pieceCount() {
        return (int) PieceSize.pieceCount(length, pieceLength);
    }

    /** Length of piece {@code index}: the piece length, except for a shorter last piece. */
    public int pieceSize(int index) {
        if (index < 0 || index >= pieceCount()) {
            throw new IndexOutOfBoundsException("piece " + index + " of " + pieceCount());
        }
        long start = (long) index * pieceLength;
        return (int) Math.min(pieceLength, length - start);
    }

    public long pieceOffset(int index) {
        return (long) index * pieceLength;
    }

    /** Whether {@code digest} (20 bytes) equals the expected SHA-1 of piece {@code index}. */
    public boolean pieceHashMatches(int index, byte[] digest) {
        int at = piecesOffset + index * 20;
        return Arrays.equals(pieces, at, at + 20, digest, 0, 20);
    }

    public byte[] pieceHash(int index) {
        return Arrays.copyOfRange(pieces, piecesOffset + index * 20, piecesOffset + index * 20 + 20);
    }

    public List<List<String>> trackerTiers() {
        return trackerTiers;
    }

    public List<String> webSeeds() {
        return webSeeds;
    }

    public boolean isPrivate() {
        return isPrivate;
    }

    /** A magnet link (BEP 9) with {@code xt}, {@code dn}, {@code xl}, every tracker as {@code tr} and web seeds as {@code ws}. */
    public String magnetLink() {
        Set<String> trackers = new LinkedHashSet<>();
        trackerTiers.forEach(trackers::addAll);
        return magnetLink(infoHash, name, length, List.copyOf(trackers), webSeeds);
    }

    /** A magnet link (BEP 9) for a torrent known by its info hash, name and length. */
    public static String magnetLink(InfoHash infoHash, String name, long length, List<String> trackers, List<String> webSeeds) {
        StringBuilder sb = new StringBuilder("magnet:?xt=urn:btih:").append(infoHash.hex());
        sb.append("&dn=").append(enc(name));
        sb.append("&xl=").append(length);
        for (String t : new LinkedHashSet<>(trackers)) {
            sb.append("&tr=").append(enc(t));
        }
        for (String ws : webSeeds) {
            sb.append("&ws=").append(enc(ws));
        }
        return sb.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "TorrentMetadata[" + infoHash.hex() + " '" + name + "' " + length + " bytes, " + pieceCount()
                + " x " + pieceLength + "]";
    }
}
