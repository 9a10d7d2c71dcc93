package io.depot.saga.file;

/** A finalize step to try again: the deadline's payload, with the attempts made so far. */
record FinalizeRetry(String fileId, long version, int attempt) {
}
