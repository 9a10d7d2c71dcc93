package io.depot.upload;

import java.time.Instant;

/** A deferred upload's length was declared; {@code plan} is its plan from now on. */
public record UploadLengthDeclaredEvent(String uploadId, UploadPlan plan, Instant at) {
}
