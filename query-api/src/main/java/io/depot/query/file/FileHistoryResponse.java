package io.depot.query.file;

import java.util.List;

/** One page of a file's history, oldest event first; {@code next_page} is absent on the last page. */
record FileHistoryResponse(String fileId, List<HistoryEntry> items, int page, int size, Integer nextPage) {
}
