package io.depot.reconcile;

/** Asks for one run's report with up to {@code findingsLimit} findings; answered with an optional {@link ReconcileRunView}. */
public record FindReconcileRunQuery(String runId, int findingsLimit) {
}
