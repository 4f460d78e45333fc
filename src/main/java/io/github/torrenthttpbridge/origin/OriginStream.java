package io.github.torrenthttpbridge.origin;

import java.io.IOException;
import java.io.InputStream;

/** The body of a plain GET to an origin, with the length and validators its headers announced. */
public record OriginStream(InputStream body, OriginResource resource) implements AutoCloseable {
    @Override
    public void close() throws IOException {
        body.close();
    }
}
