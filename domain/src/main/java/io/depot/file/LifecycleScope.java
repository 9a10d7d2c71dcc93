package io.depot.file;

/** Which versions a lifecycle rule applies to. */
public enum LifecycleScope {
    /** Every available version. */
    ALL,
    /** The version downloads serve: the file's newest available one. */
    CURRENT,
    /** An available version that is not the newest available one. */
    SUPERSEDED
}
