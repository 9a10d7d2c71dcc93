package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;

/** Replaces the file's tags with {@code tags}, already normalized by {@link Tags#normalize}. */
public record SetFileTagsCommand(@TargetAggregateIdentifier String fileId, String requesterId, List<String> tags,
                                 Instant at) {
}
