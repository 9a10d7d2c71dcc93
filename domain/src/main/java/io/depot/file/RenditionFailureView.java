package io.depot.file;

import java.time.Instant;

/** Why no renditions could be made of one version, as the query side shows it. */
public record RenditionFailureView(String fileId, long version, String reason, Instant at) {
}
