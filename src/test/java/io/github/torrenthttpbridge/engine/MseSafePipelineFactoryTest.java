package io.github.torrenthttpbridge.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;

import bt.net.buffer.BufferMutator;
import org.junit.jupiter.api.Test;

class MseSafePipelineFactoryTest {
    /** Stands in for the RC4 decoder: flips every byte it is given, leaving position at limit as Bt expects. */
    static final BufferMutator FLIP = b -> {
        while (b.hasRemaining()) {
            b.put(b.position(), (byte) ~b.get(b.position()));
            b.position(b.position() + 1);
        }
    };

    @Test
    void bytesAlreadyDecryptedByTheMseHandshakeAreNotDecryptedAgain() {
        BufferMutator d = new MseSafePipelineFactory.SkipFirst(5, FLIP);
        ByteBuffer b = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        b.limit(3);
        d.mutate(b);  // first 3 leftover bytes: untouched
        assertEquals(3, b.position());
        b.limit(8);
        d.mutate(b);  // 2 more leftover bytes, then 3 new ones: flipped
        assertEquals(8, b.position());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, ~6, ~7, ~8}, b.array());
        b.position(0).limit(2);
        d.mutate(b);  // later data: all flipped
        assertEquals(~1, b.get(0));
        assertEquals(~2, b.get(1));
    }
}
