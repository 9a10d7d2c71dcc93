package io.depot.file;

import java.util.List;

/**
 * What deleting a file did: the name it had, to be released, and the objects to remove from storage (none when it
 * was deleted already).
 */
public record FileRemoval(String filename, List<String> objectKeys) {
}
