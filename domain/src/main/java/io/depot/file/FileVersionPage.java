package io.depot.file;

import java.util.List;

/** One page of a file's versions, and the number of the next page or null on the last one. */
public record FileVersionPage(List<FileVersionView> items, int page, int size, Integer nextPage) {
}
