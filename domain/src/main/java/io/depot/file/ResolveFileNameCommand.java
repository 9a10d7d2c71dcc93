package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Asks which file an upload of a name goes to: the file holding it, or the id the next file of that name gets.
 * Records nothing. A name never claimed has no {@link FileName} yet: its file is {@link FileIds#of(String, String)}.
 */
public record ResolveFileNameCommand(@TargetAggregateIdentifier String nameId) {
}
