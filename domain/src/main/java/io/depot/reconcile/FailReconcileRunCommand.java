package io.depot.reconcile;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Ends a run that could not go on, for instance because storage was unreachable. */
public record FailReconcileRunCommand(
        @TargetAggregateIdentifier String runId,
        String reason,
        Instant at) {
}
