package io.depot.reconcile;

import java.time.Instant;

/** A reconcile run went through everything and recorded {@code findings} findings. */
public record ReconcileRunFinishedEvent(String runId, ReconcileCounts checked, int findings, Instant at) {
}
