package io.github.torrenthttpbridge.origin;

import java.net.URI;

/** The file at the origin is no longer the one that was hashed (new validator, new length). */
public class OriginChangedException extends OriginException {
    public OriginChangedException(URI url, String message) {
        super(url, message, false);
    }
}
