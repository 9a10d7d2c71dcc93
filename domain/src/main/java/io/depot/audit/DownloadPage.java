package io.depot.audit;

import java.util.List;

/** One page of downloads, and the number of the next page or null on the last one. */
public record DownloadPage(List<DownloadRecord> items, int page, int size, Integer nextPage) {
}
