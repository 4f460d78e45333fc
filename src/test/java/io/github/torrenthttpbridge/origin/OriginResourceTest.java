package io.github.torrenthttpbridge.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

class OriginResourceTest {
    static final URI U = URI.create("http://origin/f.bin");

    static OriginResource r(String etag, String lastModified) {
        return new OriginResource(U, 10, etag, lastModified);
    }

    @Test
    void aWeakEtagAndTheSameStrongOneAreOneVersion() {
        // Apache 2.4: W/"..." while the file's mtime is within the last second, the strong tag after it
        assertThat(r("W/\"180000-661a\"", "Wed, 02 Dec 2026 05:53:34 GMT")
                .sameVersionAs(r("\"180000-661a\"", "Wed, 02 Dec 2026 05:53:34 GMT"))).isTrue();
        assertThat(OriginResource.sameEtag("W/\"a\"", "\"a\"")).isTrue();
        assertThat(OriginResource.sameEtag("\"a\"", "\"b\"")).isFalse();
    }

    @Test
    void anyOtherValidatorIsAnotherVersion() {
        assertThat(r("\"a\"", "Mon").sameVersionAs(r("\"b\"", "Mon"))).isFalse();
        assertThat(r("W/\"a\"", "Mon").sameVersionAs(r("\"b\"", "Mon"))).isFalse();
        assertThat(r(null, "Mon").sameVersionAs(r(null, "Tue"))).isFalse();
        assertThat(r(null, "Mon").sameVersionAs(r("\"a\"", "Tue"))).isFalse();
    }

    @Test
    void validatorsOfDifferentKindsCompareWhatBothHave() {
        assertThat(r(null, "Mon").sameVersionAs(r("\"a\"", "Mon"))).isTrue();
        assertThat(r("\"a\"", null).sameVersionAs(r(null, "Mon"))).isTrue();
        assertThat(r(null, null).sameVersionAs(r("\"a\"", "Mon"))).isTrue();
    }
}
