package io.depot.reconcile;

import java.time.Instant;

/** A reconcile run stopped before it went through everything; the findings it recorded stand. */
public record ReconcileRunFailedEvent(String runId, String reason, Instant at) {
}
