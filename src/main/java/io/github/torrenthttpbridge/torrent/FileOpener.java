package io.github.torrenthttpbridge.torrent;

import java.io.IOException;
import java.io.InputStream;

/** Opens the bytes of one file of a torrent being created; the creator reads and closes each stream once. */
@FunctionalInterface
public interface FileOpener {
    InputStream open(InputFile file) throws IOException;
}
