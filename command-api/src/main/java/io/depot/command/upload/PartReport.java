package io.depot.command.upload;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /v1/uploads/{id}/parts/{n}}: the ETag storage returned for a part uploaded directly. */
record PartReport(@NotBlank @Size(max = 128) String etag) {
}
