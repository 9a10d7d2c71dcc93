package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Records malware found in a version; its object goes to {@code quarantineKey}, or is deleted when that is null. */
public record RecordFileInfectedCommand(@TargetAggregateIdentifier String fileId, long version, String signature,
                                        String quarantineKey, Instant at) {
}
