package io.github.torrenthttpbridge.torrent;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated metainfo ({@code .torrent}): BitTorrent v1, v2 (BEP 52) or hybrid, one file or many.
 *
 * <p>Parsing refuses inconsistent or absurd metadata before allocating anything sized by it: the
 * {@code pieces} string must hold exactly one 20-byte hash per piece, which bounds the piece count by the input
 * size; a hybrid's v1 and v2 halves must describe the same files; v2 piece layers must hash to their roots.
 *
 * <p>Pieces are numbered over one piece space: the files one after another, pad files (BEP 47) included; in a
 * v2-only torrent every file starts on a piece boundary, the gap before it reading as zeros.
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
    /** The SHA-256 of {@code info} for v2 and hybrid torrents, else null. */
    private final byte[] v2Hash;
    private final String name;
    private final long length;
    private final boolean multiFile;
    private final List<TorrentFile> files;
    /** Piece layers of v2 files longer than a piece, by index in {@link #files}. */
    private final Map<Integer, byte[]> layers;
    private final int pieceLength;
    /** The piece hashes: {@link #encoded} itself from {@link #piecesOffset}, or a copy when they could not be found. */
    private final byte[] pieces;
    private final int piecesOffset;
    private final List<List<String>> trackerTiers;
    private final List<String> webSeeds;
    private final boolean isPrivate;

    private TorrentMetadata(byte[] encoded, int infoStart, int infoEnd, String name, InfoParser.Parsed parsed,
                            int pieceLength, byte[] pieces, List<List<String>> trackerTiers, List<String> webSeeds,
                            boolean isPrivate) {
        this.encoded = encoded;
        this.infoStart = infoStart;
        this.infoEnd = infoEnd;
        this.v2Hash = parsed.v2() ? digest(Digests.sha256(), encoded, infoStart, infoEnd - infoStart) : null;
        this.infoHash = pieces != null ? InfoHash.of(digest(Digests.sha1(), encoded, infoStart, infoEnd - infoStart))
                : InfoHash.of(Arrays.copyOf(v2Hash, 20));
        this.name = name;
        this.length = parsed.length();
        this.multiFile = parsed.multiFile();
        this.files = parsed.files();
        this.layers = parsed.layers();
        this.pieceLength = pieceLength;
        int at = pieces == null ? -1 : find(encoded, infoStart, infoEnd, pieces);
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

        String name = utf8(info.containsKey("name.utf-8") ? info.get("name.utf-8") : info.get("name"), "info.name");
        if (name.isEmpty()) {
            throw new InvalidTorrentException("'info.name' is empty");
        }
        long pieceLength = InfoParser.integer(info.get("piece length"), "info.piece length");
        if (pieceLength <= 0 || pieceLength > PieceSize.MAX_ACCEPTED) {
            throw new InvalidTorrentException("'info.piece length' must be between 1 and " + PieceSize.MAX_ACCEPTED
                    + " bytes, got " + pieceLength);
        }
        InfoParser.Parsed parsed = InfoParser.parse(name, info, pieceLength, root.get("piece layers"));
        byte[] pieces = null;
        if (info.containsKey("pieces")) {
            if (!(info.get("pieces") instanceof byte[] p)) {
                throw new InvalidTorrentException("'info.pieces' is not a byte string");
            }
            long count = PieceSize.pieceCount(parsed.length(), pieceLength);
            if (p.length != count * 20) {
                throw new InvalidTorrentException("'info.pieces' holds " + p.length + " bytes but " + parsed.length()
                        + " bytes in pieces of " + pieceLength + " need " + count + " hashes (" + count * 20 + " bytes)");
            }
            pieces = p;
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
        return new TorrentMetadata(torrent.clone(), span[0], span[1], name, parsed, (int) pieceLength, pieces,
                List.copyOf(tiers), List.copyOf(seeds), isPrivate);
    }

    private static String utf8(Object value, String field) {
        if (!(value instanceof byte[] b)) {
            throw new InvalidTorrentException("'" + field + "' is missing or not a byte string");
        }
        return new String(b, StandardCharsets.UTF_8);
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

    private static byte[] digest(MessageDigest d, byte[] data, int offset, int len) {
        d.update(data, offset, len);
        return d.digest();
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

    /**
     * The torrent's 20-byte id: its v1 info hash, or for a v2-only torrent its v2 info hash truncated to 20 bytes
     * (what the peer wire and the DHT use).
     */
    public InfoHash infoHash() {
        return infoHash;
    }

    /** Whether the torrent has v1 piece hashes (v1 or hybrid). */
    public boolean hasV1() {
        return pieces != null;
    }

    /** Whether the torrent has BEP 52 merkle trees (v2 or hybrid). */
    public boolean hasV2() {
        return v2Hash != null;
    }

    /** The 32-byte v2 info hash (SHA-256 of {@code info}), if the torrent has v2. */
    public java.util.Optional<byte[]> v2InfoHash() {
        return v2Hash == null ? java.util.Optional.empty() : java.util.Optional.of(v2Hash.clone());
    }

    /** Every 20-byte hash peers may name this torrent by: the v1 info hash and the truncated v2 one. */
    public List<InfoHash> swarmHashes() {
        if (v2Hash == null) {
            return List.of(infoHash);
        }
        InfoHash v2 = InfoHash.of(Arrays.copyOf(v2Hash, 20));
        return v2.equals(infoHash) ? List.of(infoHash) : List.of(infoHash, v2);
    }

    /** Whether {@code name} is a directory holding {@link #files()} (else the torrent is the one file {@code name}). */
    public boolean isMultiFile() {
        return multiFile;
    }

    /** The files in piece-space order, pad files included. */
    public List<TorrentFile> files() {
        return files;
    }

    /** The piece layer (concatenated 32-byte hashes) of file {@code index}, if it is a v2 file longer than a piece and the layer is known. */
    public java.util.Optional<byte[]> pieceLayer(int fileIndex) {
        byte[] l = layers.get(fileIndex);
        return l == null ? java.util.Optional.empty() : java.util.Optional.of(l.clone());
    }

    /** The piece layer itself, not a copy (for verifying in this package: a layer is up to megabytes), or null. */
    byte[] layerOf(int fileIndex) {
        return layers.get(fileIndex);
    }

    /** Index in {@link #files()} of the v2 file whose pieces root is {@code root[off, off+32)}, or -1. */
    public int fileByRoot(byte[] root, int off) {
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).rootEquals(root, off)) {
                return i;
            }
        }
        return -1;
    }

    /** The piece layers as a {@code .torrent}'s top-level {@code piece layers} dictionary wants them (root → layer). */
    public Map<byte[], byte[]> pieceLayers() {
        Map<byte[], byte[]> out = new java.util.LinkedHashMap<>();
        layers.forEach((i, l) -> out.put(files.get(i).piecesRoot(), l.clone()));
        return out;
    }

    public String name() {
        return name;
    }

    /** Bytes of the piece space: the file's length, or for several files their sum with pad files and gaps. */
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

    /** Whether {@code digest} (20 bytes) equals the expected SHA-1 of piece {@code index}; false without v1 hashes. */
    public boolean pieceHashMatches(int index, byte[] digest) {
        if (pieces == null) {
            return false;
        }
        int at = piecesOffset + index * 20;
        return Arrays.equals(pieces, at, at + 20, digest, 0, 20);
    }

    /** The SHA-1 of piece {@code index} (v1 and hybrid torrents only). */
    public byte[] pieceHash(int index) {
        if (pieces == null) {
            throw new IllegalStateException("a v2-only torrent has no SHA-1 piece hashes");
        }
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

    /** Bytes of the files, pad files not counted. */
    public long contentLength() {
        long n = 0;
        for (TorrentFile f : files) {
            n += f.pad() ? 0 : f.length();
        }
        return n;
    }

    /**
     * A magnet link (BEP 9) with {@code xt} ({@code urn:btih:} for v1, {@code urn:btmh:1220…} for v2, both for a
     * hybrid), {@code dn}, {@code xl}, every tracker as {@code tr} and web seeds as {@code ws}.
     */
    public String magnetLink() {
        Set<String> trackers = new LinkedHashSet<>();
        trackerTiers.forEach(trackers::addAll);
        return magnetLink(hasV1() ? infoHash : null, v2Hash, name, contentLength(), List.copyOf(trackers), webSeeds);
    }

    /** A magnet link (BEP 9) for a v1 torrent known by its info hash, name and length. */
    public static String magnetLink(InfoHash infoHash, String name, long length, List<String> trackers, List<String> webSeeds) {
        return magnetLink(infoHash, null, name, length, trackers, webSeeds);
    }

    /** A magnet link for a torrent known by its v1 and/or v2 info hash (either may be null, not both). */
    public static String magnetLink(InfoHash v1, byte[] v2, String name, long length, List<String> trackers,
                                    List<String> webSeeds) {
        StringBuilder sb = new StringBuilder("magnet:?");
        if (v1 != null) {
            sb.append("xt=urn:btih:").append(v1.hex());
        }
        if (v2 != null) {
            sb.append(v1 != null ? "&" : "").append("xt=urn:btmh:1220").append(java.util.HexFormat.of().formatHex(v2));
        }
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
        return "TorrentMetadata[" + infoHash.hex() + (hasV2() ? (hasV1() ? " hybrid" : " v2") : "") + " '" + name + "' "
                + (multiFile ? files.size() + " files, " : "") + length + " bytes, " + pieceCount() + " x " + pieceLength + "]";
    }
}
