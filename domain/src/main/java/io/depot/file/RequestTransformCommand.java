package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * The owner asks for a transform of an available version (the newest available one when {@code version} is null).
 * Asking again for the same transform of the same version records nothing and answers the same
 * {@link RequestedRendition}; a version may have at most {@code maxPerVersion} distinct transforms.
 */
public record RequestTransformCommand(@TargetAggregateIdentifier String fileId, String requesterId, Long version,
                                      Transform transform, int maxPerVersion, Instant at) {
}
