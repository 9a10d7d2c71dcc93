package io.depot.reconcile;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Ends a run that went through everything; finishing a finished run changes nothing. */
public record FinishReconcileRunCommand(
        @TargetAggregateIdentifier String runId,
        ReconcileCounts checked,
        Instant at) {
}
