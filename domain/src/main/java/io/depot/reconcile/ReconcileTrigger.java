package io.depot.reconcile;

/** What started a reconcile run. */
public enum ReconcileTrigger {
    /** The recurring schedule. */
    SCHEDULED,
    /** An operator, through the admin API. */
    OPERATOR
}
