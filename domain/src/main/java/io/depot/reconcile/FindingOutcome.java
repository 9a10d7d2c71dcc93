package io.depot.reconcile;

/** What Depot does about a finding. */
public enum FindingOutcome {
    /**
     * Made consistent: a stray multipart upload is aborted, a version whose object is missing is marked failed.
     */
    REPAIRED,
    /**
     * The object is moved under {@code quarantine/}, where an operator can inspect or restore it; a version whose
     * bytes are corrupt is also marked failed.
     */
    QUARANTINED,
    /** Recorded only; an operator decides. Every finding is reported when repairs are switched off. */
    REPORTED
}
