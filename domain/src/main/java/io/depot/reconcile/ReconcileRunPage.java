package io.depot.reconcile;

import java.util.List;

/** One page of reconcile runs, and the number of the next page or null on the last one. */
public record ReconcileRunPage(List<ReconcileRunView> items, int page, int size, Integer nextPage) {
}
