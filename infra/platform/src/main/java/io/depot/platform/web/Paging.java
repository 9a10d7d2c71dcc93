package io.depot.platform.web;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

/** The page parameters every listing takes. */
public final class Paging {

    /**
     * The furthest a listing pages in: {@code page × size} items skipped at most. Deeper pages cost the store a scan
     * of everything before them, and the product must stay far from overflowing an int.
     */
    public static final long MAX_OFFSET = 1_000_000;

    private Paging() {
    }

    /** Refuses a negative page, a size outside 1 to {@code maxSize}, or a page beyond {@link #MAX_OFFSET} items. */
    public static void check(int page, int size, int maxSize) {
        if (page < 0 || size < 1 || size > maxSize) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "page must be 0 or more and size between 1 and " + maxSize);
        }
        if ((long) page * size > MAX_OFFSET) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "page × size must not exceed " + MAX_OFFSET
                    + "; narrow the listing instead of paging that deep");
        }
    }
}
