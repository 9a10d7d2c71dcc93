package io.depot.file;

import java.util.List;

/** One page of files, and the number of the next page or null on the last one. */
public record FilePage(List<FileView> items, int page, int size, Integer nextPage) {
}
