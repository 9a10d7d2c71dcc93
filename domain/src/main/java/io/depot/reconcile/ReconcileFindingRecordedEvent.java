package io.depot.reconcile;

import java.time.Instant;

/** A reconcile run found a disagreement; repairs and quarantines follow from this event. */
public record ReconcileFindingRecordedEvent(String runId, ReconcileFinding finding, Instant at) {
}
