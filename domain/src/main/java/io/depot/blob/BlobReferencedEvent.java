package io.depot.blob;

import io.depot.file.StorageClass;

import java.time.Instant;

/**
 * A version references the blob's content, now stored at {@code objectKey}. {@code duplicateKey} is the object the
 * version's upload stored when the blob already had one: the same bytes a second time, which the object-deletion
 * worker removes. Null when the upload's object became the blob's.
 */
public record BlobReferencedEvent(String blobId, String reference, String objectKey, String duplicateKey,
                                  String sha256, long size, StorageClass storageClass, int references, Instant at) {
}
