package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * The owner asks for an archived version's object to be made readable for {@code days} days. Answers the
 * retrieval's status: {@link RetrievalStatus#AVAILABLE} when a retrieval is available already, else
 * {@link RetrievalStatus#REQUESTED} (asking again while one is under way records nothing).
 */
public record RequestArchiveRetrievalCommand(@TargetAggregateIdentifier String fileId, String requesterId, long version,
                                             int days, RetrievalTier tier, Instant at) {
}
