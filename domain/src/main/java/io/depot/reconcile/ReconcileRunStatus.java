package io.depot.reconcile;

/** Where a reconcile run is. */
public enum ReconcileRunStatus {
    RUNNING,
    FINISHED,
    FAILED
}
