package io.depot.reconcile;

/** Asks for reconcile runs, newest first, without their findings; answered with a {@link ReconcileRunPage}. */
public record ListReconcileRunsQuery(int page, int size) {
}
