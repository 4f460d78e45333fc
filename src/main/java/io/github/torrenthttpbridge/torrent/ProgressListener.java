package io.github.torrenthttpbridge.torrent;

/** Receives hashing progress; called from the hashing thread at most a few times a second, and once at the end. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = p -> { };

    void onProgress(HashProgress progress);
}
