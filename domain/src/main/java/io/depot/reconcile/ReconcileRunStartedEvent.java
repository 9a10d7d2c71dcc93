package io.depot.reconcile;

import java.time.Instant;

/** A reconcile run was started; the reconcile job picks it up. */
public record ReconcileRunStartedEvent(String runId, ReconcileTrigger trigger, String requestedBy, Instant startedAt) {
}
