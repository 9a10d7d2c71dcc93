package io.depot.blob;

import io.depot.file.StorageClass;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Adds a version's reference to the blob of its content and answers the object the version should use: the blob's
 * object when it has one, else {@code candidateKey}, the object the version's upload stored, which becomes the blob's.
 * A reference already held answers the same again; one already released is refused.
 */
public record ReferenceBlobCommand(@TargetAggregateIdentifier String blobId, String reference, String candidateKey,
                                   String sha256, long size, StorageClass storageClass, Instant at) {
}
