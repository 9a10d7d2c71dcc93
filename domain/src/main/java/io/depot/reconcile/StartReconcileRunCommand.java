package io.depot.reconcile;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Starts a reconcile run. Starting a run that exists changes nothing, so a retried request or a scheduled run that
 * is executed again after a crash starts it once.
 *
 * @param runId       the run's id
 * @param trigger     what started it
 * @param requestedBy the operator's user id, or null for the schedule
 * @param startedAt   when it was requested
 */
public record StartReconcileRunCommand(
        @TargetAggregateIdentifier String runId,
        ReconcileTrigger trigger,
        String requestedBy,
        Instant startedAt) {
}
