package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Marks a version failed, for the reason given; its object is to be removed. */
public record FailFileVersionCommand(@TargetAggregateIdentifier String fileId, long version, String reason,
                                     Instant at) {
}
