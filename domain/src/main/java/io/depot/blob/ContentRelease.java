package io.depot.blob;

/**
 * A file let go of content it held through a blob: the object-deletion worker releases {@code reference} on the blob,
 * which answers what can be deleted. {@code objectKey} is the object the file knew the content by: the blob's own, or,
 * where the file let go before it recorded the blob's answer, the object its upload stored.
 */
public record ContentRelease(String blobId, String reference, String objectKey) {
}
