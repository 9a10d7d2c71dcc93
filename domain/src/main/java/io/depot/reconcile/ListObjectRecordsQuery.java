package io.depot.reconcile;

/**
 * Asks for object records in key order, after {@code afterKey} (null for the first page); answered with a
 * {@link ObjectRecordPage}. Paging by key lets a reconcile run walk storage and records side by side.
 */
public record ListObjectRecordsQuery(String afterKey, int limit) {
}
