package io.github.torrenthttpbridge.torrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BencodeTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void encodesWithSortedKeys() {
        byte[] out = Bencode.encode(Map.of("zz", 1L, "a", List.of("x", -3L), "m", b("yz")));
        assertEquals("d1:al1:xi-3ee1:m2:yz2:zzi1ee", new String(out, StandardCharsets.ISO_8859_1));
    }

    @Test
    void roundTrips() {
        byte[] in = b("d4:infod6:lengthi42e4:name3:abce3:keyl1:a1:bee");
        assertArrayEquals(in, Bencode.encode(Bencode.decode(in)));
    }

    @Test
    void reportsTheSpanOfTopLevelValues() {
        byte[] in = b("d4:infod1:ai1eee");
        var top = Bencode.decodeDictionary(in);
        int[] span = top.spans().get("info");
        assertEquals("d1:ai1ee", new String(in, span[0], span[1] - span[0], StandardCharsets.ISO_8859_1));
    }

    @Test
    void rejectsMalformedInput() {
        for (String bad : new String[] {"", "i01e", "i-0e", "ie", "i12", "5:abc", "l", "d1:a", "d1:ai1e1:ai2ee",
                "x", "i1ei2e", "01:a", "d i1e e", "i9999999999999999999999e", "-1:a"}) {
            assertThrows(BencodeException.class, () -> Bencode.decode(b(bad)), bad);
        }
    }

    @Test
    void hugeDeclaredStringIsRefusedWithoutAllocating() {
        var e = assertThrows(BencodeException.class, () -> Bencode.decode(b("1073741824:abc")));
        assertEquals(true, e.getMessage().contains("runs past the end"), e.getMessage());
        assertThrows(BencodeException.class, () -> Bencode.decode(b("99999999999999999999:x")));
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "l".repeat(10_000) + "e".repeat(10_000);
        assertThrows(BencodeException.class, () -> Bencode.decode(b(deep)));
    }
}
