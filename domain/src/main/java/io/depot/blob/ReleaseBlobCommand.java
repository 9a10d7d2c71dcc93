package io.depot.blob;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Releases a version's reference on a blob; {@code objectKey} is the object the file knew the content by. Releasing a
 * reference the blob never took (the file let go before the reference arrived) keeps it from ever being taken.
 */
public record ReleaseBlobCommand(@TargetAggregateIdentifier String blobId, String reference, String objectKey,
                                 Instant at) {
}
