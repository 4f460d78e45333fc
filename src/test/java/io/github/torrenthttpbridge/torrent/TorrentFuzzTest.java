package io.github.torrenthttpbridge.torrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Hostile .torrent input: thousands of mutated torrents (v1, hybrid and v2-only; one file and folders) (bit flips, truncations, splices, inflated lengths and
 * integers) must each end in a valid torrent or an {@link InvalidTorrentException}: no other exception, no
 * allocation sized by the input's claims, no hang.
 */
class TorrentFuzzTest {
    static final int INPUTS = 12_000;

    static List<byte[]> seeds() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        Random r = new Random(1);
        for (int size : new int[] {1, 1000, 70_000, 300_000}) {
            byte[] data = new byte[size];
            r.nextBytes(data);
            seeds.add(TorrentCreator.create(new ByteArrayInputStream(data), size, "f" + size + ".bin",
                    TorrentCreator.Options.defaults().withTrackers(List.of("http://t.example/announce", "udp://u.example:80"))
                            .withWebSeeds(List.of("http://h.example/f")), ProgressListener.NONE).encoded());
        }
        for (String f : List.of("single-hybrid", "single-v2", "set-v1", "set-hybrid", "set-v2")) {
            seeds.add(Fixtures.resource(f + ".torrent"));  // multi-file, pad files, file trees, piece layers
        }
        return seeds;
    }

    static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        switch (r.nextInt(7)) {
            case 0 -> { // flip a few bits
                for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length)); // truncate
            case 2 -> { // splice a random chunk somewhere else
                int from = r.nextInt(b.length);
                int len = Math.min(b.length - from, r.nextInt(64));
                int to = r.nextInt(b.length);
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, to);
                System.arraycopy(b, from, out, to, len);
                System.arraycopy(b, to, out, to + len, b.length - to);
                b = out;
            }
            case 3 -> b = replaceDigits(b, r, "999999999999"); // inflate a declared length or integer
            case 4 -> b = replaceDigits(b, r, "-" + r.nextInt(1000));
            case 5 -> b = replaceDigits(b, r, "1099511627776"); // 2^40
            default -> { // random bytes in a random window
                int at = r.nextInt(b.length);
                for (int i = at; i < Math.min(b.length, at + 16); i++) {
                    b[i] = (byte) r.nextInt(256);
                }
            }
        }
        return b.length == 0 ? new byte[] {'d'} : b;
    }

    /** Replaces a run of ASCII digits (a string length or an integer) with {@code digits}. */
    static byte[] replaceDigits(byte[] b, Random r, String digits) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        var m = java.util.regex.Pattern.compile("\\d+").matcher(s);
        List<int[]> runs = new ArrayList<>();
        while (m.find() && runs.size() < 200) {
            runs.add(new int[] {m.start(), m.end()});
        }
        if (runs.isEmpty()) {
            return b;
        }
        int[] run = runs.get(r.nextInt(runs.size()));
        return (s.substring(0, run[0]) + digits + s.substring(run[1])).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void mutatedTorrentsEndInAValidTorrentOrAClearError() throws Exception {
        List<byte[]> seeds = seeds();
        Random r = new Random(42);
        int valid = 0;
        int invalid = 0;
        long start = System.nanoTime();
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = mutate(seeds.get(r.nextInt(seeds.size())), r);
            if (r.nextInt(4) == 0) {
                input = mutate(input, r);
            }
            try {
                TorrentMetadata t = TorrentMetadata.parse(input);
                if (t.hasV1()) {
                    assertEquals(20, t.pieceHash(t.pieceCount() - 1).length);
                }
                assertTrue(t.length() > 0 && t.pieceLength() > 0 && t.pieceSize(t.pieceCount() - 1) > 0);
                assertTrue(t.hasV1() || t.hasV2());
                t.magnetLink();
                t.swarmHashes();
                int last = t.pieceSize(t.pieceCount() - 1);
                if (last <= 1 << 20) {
                    new PieceVerifier(t).verify(t.pieceCount() - 1, new byte[last], 0, last);  // answers, never throws
                }
                valid++;
            } catch (InvalidTorrentException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
                invalid++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("fuzzed %d torrents: %d valid, %d refused, %.1f s%n", INPUTS, valid, invalid, seconds);
        assertEquals(INPUTS, valid + invalid);
        assertTrue(invalid > INPUTS / 2, "most mutations must be refused");
    }

    private static byte[] torrent(long length, long pieceLength, byte[] pieces) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("length", length);
        info.put("name", "x");
        info.put("piece length", pieceLength);
        info.put("pieces", pieces);
        return Bencode.encode(Map.of("info", info));
    }

    @Test
    void absurdSizesAreRefusedBeforeAnyAllocation() {
        assertThrows(InvalidTorrentException.class, () -> TorrentMetadata.parse(torrent(100, 0, new byte[20])));
        assertThrows(InvalidTorrentException.class, () -> TorrentMetadata.parse(torrent(-1, 16384, new byte[20])));
        // 2^40 pieces would need 20 TiB of hashes: refused by arithmetic, nothing allocated
        var e = assertThrows(InvalidTorrentException.class, () -> TorrentMetadata.parse(torrent(1L << 54, 16384, new byte[20])));
        assertTrue(e.getMessage().contains("2^50") || e.getMessage().contains("hashes"), e.getMessage());
        assertThrows(InvalidTorrentException.class, () -> TorrentMetadata.parse(torrent(1L << 49, 1, new byte[20])));
        // a 1 GB 'pieces' string declared in a few bytes of input
        byte[] claim = "d4:infod6:lengthi100e4:name1:x12:piece lengthi16384e6:pieces1073741824:abcdee".getBytes(StandardCharsets.US_ASCII);
        assertThrows(InvalidTorrentException.class, () -> TorrentMetadata.parse(claim));
        // a torrent file larger than the cap is refused without parsing
        assertThrows(InvalidTorrentException.class, () -> TorrentMetadata.parse(new byte[TorrentMetadata.MAX_TORRENT_BYTES + 1]));
    }
}
