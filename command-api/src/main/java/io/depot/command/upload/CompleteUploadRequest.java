package io.depot.command.upload;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * Optional body of {@code POST /v1/uploads/{id}/complete}: the parts as the client knows them, each
 * checked against storage.
 */
record CompleteUploadRequest(@Valid @Size(max = 10_000) List<@NotNull @Valid ClientPart> parts) {

    record ClientPart(@NotNull Integer partNumber, @NotBlank @Size(max = 128) String etag) {
    }
}
