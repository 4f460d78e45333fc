package io.github.torrenthttpbridge.origin;

import java.net.URI;

/**
 * A file at an origin as probed: where to fetch it (after redirects), its length and its validators.
 *
 * @param url          the URL range requests go to
 * @param length       total length from {@code Content-Range}
 * @param etag         the ETag, or null
 * @param lastModified the Last-Modified date, or null
 */
public record OriginResource(URI url, long length, String etag, String lastModified) {

    /** The validator for {@code If-Range}: a strong ETag if there is one, else Last-Modified, else null. */
    public String ifRangeValidator() {
        if (etag != null && !etag.startsWith("W/")) {
            return etag;
        }
        return lastModified;
    }
}
