package io.github.torrenthttpbridge.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

import org.junit.jupiter.api.Test;

class TorrentProxyTest {
    @Test
    void theUpstreamIsABaseUrlWithoutTrailingSlash() {
        assertThat(TorrentProxy.upstreamBase(URI.create("http://127.0.0.1:8081/"))).isEqualTo(URI.create("http://127.0.0.1:8081"));
        assertThat(TorrentProxy.upstreamBase(URI.create("https://origin.example/site//"))).isEqualTo(URI.create("https://origin.example/site"));
        for (String bad : new String[] {"ftp://host/", "http:///x", "http://host/?a=b", "http://host/#f", "/relative"}) {
            assertThatThrownBy(() -> TorrentProxy.upstreamBase(URI.create(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad upstream URL");
        }
    }

    @Test
    void pathsAreEncodedSegmentBySegment() {
        assertThat(TorrentProxy.encodePath("/files/a b&c/é/")).isEqualTo("/files/a%20b%26c/%C3%A9/");
    }
}
