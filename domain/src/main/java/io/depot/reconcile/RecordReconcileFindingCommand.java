package io.depot.reconcile;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Records one finding of a running reconcile run; a finding the run already holds changes nothing. */
public record RecordReconcileFindingCommand(
        @TargetAggregateIdentifier String runId,
        ReconcileFinding finding,
        Instant at) {
}
