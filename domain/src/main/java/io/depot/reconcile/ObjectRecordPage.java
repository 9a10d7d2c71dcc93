package io.depot.reconcile;

import java.util.List;

/** Object records; a page shorter than asked for is the last. */
public record ObjectRecordPage(List<ObjectRecord> items) {
}
