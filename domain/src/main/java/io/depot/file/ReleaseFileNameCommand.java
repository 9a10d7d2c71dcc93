package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The file gave the name up (renamed away or deleted); releasing a name another file holds changes nothing. */
public record ReleaseFileNameCommand(@TargetAggregateIdentifier String nameId, String fileId) {
}
