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

    /**
     * Whether {@code other} (a later answer for the same URL) is still this version of the file: the ETags compare
     * weakly (RFC 9110: a weak {@code W/"x"} and a strong {@code "x"} are the same version; Apache gives a file
     * modified within the last second a weak ETag and a strong one a second later), else the Last-Modified dates;
     * without a validator on both sides, nothing says it changed.
     */
    public boolean sameVersionAs(OriginResource other) {
        if (etag != null && other.etag != null) {
            return sameEtag(etag, other.etag);
        }
        if (lastModified != null && other.lastModified != null) {
            return lastModified.equals(other.lastModified);
        }
        return true;
    }

    /** The weak comparison of two ETags: their opaque tags, without {@code W/}, are equal. */
    public static boolean sameEtag(String a, String b) {
        return opaque(a).equals(opaque(b));
    }

    private static String opaque(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }
}
