package io.github.torrenthttpbridge.torrent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Strict, bounded bencoding (BEP 3).
 *
 * <p>Values map to Java types: byte strings to {@code byte[]}, integers to {@link Long}, lists to
 * {@link List}, dictionaries to {@link SortedMap} with {@link String} keys (decoded as ISO-8859-1 so
 * every key byte round-trips). The decoder never allocates more than the input it was given, rejects
 * non-canonical numbers (leading zeros, {@code -0}), duplicate keys and trailing bytes (unsorted keys are
 * accepted, as other clients do; hashes are always taken over the original bytes) and limits
 * nesting depth, so hostile input ends in a {@link BencodeException}, never an exhausted heap or stack.
 */
public final class Bencode {
    /** Deepest nesting accepted by the decoder. */
    public static final int MAX_DEPTH = 64;

    private Bencode() {
    }

    /** An already bencoded value, written as is (e.g. a torrent's {@code info}, whose exact bytes make the info hash). */
    public record Raw(byte[] bytes) {
        public Raw {
            bytes = bytes.clone();
        }
    }

    /**
     * Encodes a value built from byte[], String (UTF-8), Number, List, Map (keys sorted as raw bytes) and
     * {@link Raw} (written unchanged).
     */
    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encode(value, out);
        return out.toByteArray();
    }

    private static void encode(Object value, ByteArrayOutputStream out) {
        if (value instanceof byte[] bytes) {
            writeString(bytes, out);
        } else if (value instanceof Raw raw) {
            out.writeBytes(raw.bytes);
        } else if (value instanceof String s) {
            writeString(s.getBytes(StandardCharsets.UTF_8), out);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            out.writeBytes(("i" + ((Number) value).longValue() + "e").getBytes(StandardCharsets.US_ASCII));
        } else if (value instanceof List<?> list) {
            out.write('l');
            for (Object item : list) {
                encode(item, out);
            }
            out.write('e');
        } else if (value instanceof Map<?, ?> map) {
            TreeMap<byte[], Object> sorted = new TreeMap<>(Arrays::compareUnsigned);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("dictionary keys must be strings: " + e.getKey());
                }
                if (sorted.put(key.getBytes(StandardCharsets.ISO_8859_1), e.getValue()) != null) {
                    throw new IllegalArgumentException("duplicate dictionary key: " + key);
                }
            }
            out.write('d');
            for (Map.Entry<byte[], Object> e : sorted.entrySet()) {
                writeString(e.getKey(), out);
                encode(e.getValue(), out);
            }
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + (value == null ? "null" : value.getClass().getName()));
        }
    }

    private static void writeString(byte[] bytes, ByteArrayOutputStream out) {
        out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        out.write(':');
        out.writeBytes(bytes);
    }

    /** Decodes exactly one value spanning the whole input. */
    public static Object decode(byte[] data) {
        Decoder d = new Decoder(data);
        Object v = d.value(0);
        if (d.pos != data.length) {
            throw new BencodeException("trailing data after the top-level value at byte " + d.pos);
        }
        return v;
    }

    /**
     * Decodes a top-level dictionary and also reports, for each of its keys, the exact byte span of the
     * value (needed for the info hash, which is the SHA-1 of the raw {@code info} bytes).
     */
    public static TopLevel decodeDictionary(byte[] data) {
        Decoder d = new Decoder(data);
        Map<String, int[]> spans = new TreeMap<>();
        d.spans = spans;
        Object v = d.value(0);
        if (d.pos != data.length) {
            throw new BencodeException("trailing data after the top-level value at byte " + d.pos);
        }
        if (!(v instanceof SortedMap<?, ?>)) {
            throw new BencodeException("top-level value is not a dictionary");
        }
        @SuppressWarnings("unchecked")
        SortedMap<String, Object> dict = (SortedMap<String, Object>) v;
        return new TopLevel(dict, Collections.unmodifiableMap(spans));
    }

    /** A decoded top-level dictionary with the raw byte span ({start, end}) of each value. */
    public record TopLevel(SortedMap<String, Object> dictionary, Map<String, int[]> spans) {
    }

    private static final class Decoder {
        private final byte[] in;
        private int pos;
        private Map<String, int[]> spans;

        Decoder(byte[] in) {
            if (in == null || in.length == 0) {
                throw new BencodeException("empty input");
            }
            this.in = in;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw new BencodeException("nesting deeper than " + MAX_DEPTH + " levels at byte " + pos);
            }
            int c = peek();
            if (c >= '0' && c <= '9') {
                return string();
            }
            switch (c) {
                case 'i':
                    return integer();
                case 'l': {
                    pos++;
                    List<Object> list = new ArrayList<>();
                    while (peek() != 'e') {
                        list.add(value(depth + 1));
                    }
                    pos++;
                    return Collections.unmodifiableList(list);
                }
                case 'd': {
                    boolean top = depth == 0 && spans != null;
                    pos++;
                    TreeMap<String, Object> map = new TreeMap<>();
                    while (peek() != 'e') {
                        if (peek() < '0' || peek() > '9') {
                            throw new BencodeException("dictionary key is not a string at byte " + pos);
                        }
                        int keyAt = pos;
                        String k = new String(string(), StandardCharsets.ISO_8859_1);
                        if (map.containsKey(k)) {
                            throw new BencodeException("duplicate dictionary key '" + k + "' at byte " + keyAt);
                        }
                        int start = pos;
                        Object v = value(depth + 1);
                        map.put(k, v);
                        if (top) {
                            spans.put(k, new int[] {start, pos});
                        }
                    }
                    pos++;
                    return Collections.unmodifiableSortedMap(map);
                }
                default:
                    throw new BencodeException("unexpected byte 0x" + Integer.toHexString(c & 0xff) + " at byte " + pos);
            }
        }

        private int peek() {
            if (pos >= in.length) {
                throw new BencodeException("truncated input at byte " + pos);
            }
            return in[pos] & 0xff;
        }

        private byte[] string() {
            int start = pos;
            long len = 0;
            while (peek() != ':') {
                int c = in[pos];
                if (c < '0' || c > '9') {
                    throw new BencodeException("bad string length at byte " + pos);
                }
                if (pos > start && len == 0) {
                    throw new BencodeException("string length with leading zero at byte " + start);
                }
                len = len * 10 + (c - '0');
                if (len > in.length - pos) {
                    throw new BencodeException("string of " + len + "+ bytes runs past the end of the input (byte " + start + ")");
                }
                pos++;
            }
            if (pos == start) {
                throw new BencodeException("missing string length at byte " + start);
            }
            pos++; // ':'
            if (len > in.length - pos) {
                throw new BencodeException("string of " + len + " bytes runs past the end of the input (byte " + start + ")");
            }
            byte[] s = Arrays.copyOfRange(in, pos, pos + (int) len);
            pos += (int) len;
            return s;
        }

        private Long integer() {
            int start = pos;
            pos++; // 'i'
            boolean negative = false;
            if (peek() == '-') {
                negative = true;
                pos++;
            }
            int digitsStart = pos;
            long v = 0;
            while (peek() != 'e') {
                int c = in[pos];
                if (c < '0' || c > '9') {
                    throw new BencodeException("bad integer at byte " + start);
                }
                if (pos > digitsStart && v == 0) {
                    throw new BencodeException("integer with leading zero at byte " + start);
                }
                if (v > (Long.MAX_VALUE - (c - '0')) / 10) {
                    throw new BencodeException("integer out of 64-bit range at byte " + start);
                }
                v = v * 10 + (c - '0');
                pos++;
            }
            if (pos == digitsStart) {
                throw new BencodeException("empty integer at byte " + start);
            }
            if (negative && v == 0) {
                throw new BencodeException("negative zero at byte " + start);
            }
            pos++; // 'e'
            return negative ? -v : v;
        }
    }
}
