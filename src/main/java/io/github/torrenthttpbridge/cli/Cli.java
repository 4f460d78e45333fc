package io.github.torrenthttpbridge.cli;

import java.net.URI;


/** Argument checks shared by the commands. */
final class Cli {
    private Cli() {
    }

    static void checkUrl(URI url) {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("URL must be an absolute http:// or https:// URL, got '" + url + "'");
        }
    }

}
