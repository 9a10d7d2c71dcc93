package io.depot.reconcile;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A reconcile run's report.
 *
 * @param findingCounts how many findings of each kind the run recorded
 * @param findings      the findings, oldest first, as many as the query asked for (none in listings)
 */
public record ReconcileRunView(
        String runId,
        ReconcileTrigger trigger,
        String requestedBy,
        ReconcileRunStatus status,
        Instant startedAt,
        Instant endedAt,
        ReconcileCounts checked,
        String failureReason,
        Map<FindingKind, Long> findingCounts,
        List<ReconcileFinding> findings) {
}
