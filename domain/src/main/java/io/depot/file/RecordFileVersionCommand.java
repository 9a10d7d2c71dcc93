package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Makes a completed upload the newest version of a file, creating the file on its first version.
 * Recording the same upload twice returns the version it already became.
 *
 * @param fileId       the file
 * @param uploadId     the upload whose object becomes the version
 * @param ownerId      the file's owner
 * @param filename     the file's name
 * @param contentType  the media type
 * @param size         the object's size in bytes
 * @param sha256       the verified SHA-256 as lower-case hex, or null
 * @param storageClass where the object is stored
 * @param visibility   public or private
 * @param objectKey    the object's key in storage
 * @param versionedAt  when
 */
public record RecordFileVersionCommand(
        @TargetAggregateIdentifier String fileId,
        String uploadId,
        String ownerId,
        String filename,
        String contentType,
        long size,
        String sha256,
        StorageClass storageClass,
        Visibility visibility,
        String objectKey,
        Instant versionedAt) {
}
