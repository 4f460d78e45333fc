package io.github.torrenthttpbridge.site;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a site's files become torrents.
 *
 * @param metadataDir  where generated torrents and their keys are persisted
 * @param minSize      smallest file bridged, in bytes
 * @param pieceSize    piece size for generated torrents, 0 = automatic
 * @param trackers     announce URLs put in generated torrents
 * @param webSeed      whether generated torrents list the file's own URL as a web seed (BEP 19)
 * @param hashJobs     hashing jobs running at once
 * @param hashQueue    hashing jobs allowed to wait; beyond it requests get 503
 * @param probeTtl     how long a probe of a file (length, validators) is reused
 * @param metadataMaxBytes disk the metadata directory may use; beyond it new torrents are not persisted
 */
public record SiteOptions(Path metadataDir, long minSize, int pieceSize, List<String> trackers, boolean webSeed,
                          int hashJobs, int hashQueue, Duration probeTtl, long metadataMaxBytes) {
    public SiteOptions {
        trackers = List.copyOf(trackers);
    }
}
