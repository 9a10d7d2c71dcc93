package io.depot.platform.web;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

/** The page parameters every listing takes. */
public final class Paging {

    private Paging() {
    }

    /** Refuses a negative page or a size outside 1 to {@code maxSize}. */
    public static void check(int page, int size, int maxSize) {
        if (page < 0 || size < 1 || size > maxSize) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "page must be 0 or more and size between 1 and " + maxSize);
        }
    }
}
