package io.depot.reconcile;

/**
 * What a reconcile run looked at.
 *
 * @param objects          objects listed in storage
 * @param multipartUploads unfinished multipart uploads listed in storage
 * @param records          object records read from the read model
 * @param sampled          objects whose SHA-256 was computed again
 */
public record ReconcileCounts(long objects, long multipartUploads, long records, long sampled) {
}
