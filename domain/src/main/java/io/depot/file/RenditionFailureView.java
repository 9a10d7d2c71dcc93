package io.depot.file;

import java.time.Instant;

/**
 * Why a rendition could not be made of one version, as the query side shows it: {@code name} is null when the
 * version's standard image renditions failed as a whole.
 */
public record RenditionFailureView(String fileId, long version, String name, String reason, Instant at) {
}
