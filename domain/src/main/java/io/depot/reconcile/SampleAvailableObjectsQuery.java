package io.depot.reconcile;

/** Asks for up to {@code count} random available objects with a known SHA-256; answered with a {@link ObjectRecordPage}. */
public record SampleAvailableObjectsQuery(int count) {
}
