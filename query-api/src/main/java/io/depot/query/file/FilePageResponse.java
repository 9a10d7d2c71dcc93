package io.depot.query.file;

import java.util.List;

/** One page of a user's files; {@code next_page} is absent on the last page. */
record FilePageResponse(List<FileResponse> items, int page, int size, Integer nextPage) {
}
