package io.depot.command.upload;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /v1/uploads/initiate}.
 *
 * @param filename     the file's name, checked and normalized by {@link io.depot.file.Filenames}
 * @param contentType  the media type, {@code type/subtype}
 * @param size         the exact size in bytes
 * @param storageClass an S3 storage class; STANDARD when absent
 * @param publicFile   whether anyone may read the file; private when absent
 * @param sha256       the SHA-256 of the whole file as hex, verified at complete
 * @param partSize     the part size wanted, at least 5 MiB; the service's default when absent
 */
record InitiateUploadRequest(
        @NotBlank String filename,
        @NotBlank @Size(max = 255) @Pattern(regexp = MediaTypes.GRAMMAR, message = "must be a media type such as image/png "
                + "or text/plain; charset=utf-8 (RFC 9110), with no control characters")
        String contentType,
        @NotNull Long size,
        String storageClass,
        @JsonProperty("public") Boolean publicFile,
        @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be 64 hexadecimal digits") String sha256,
        Long partSize) {
}
