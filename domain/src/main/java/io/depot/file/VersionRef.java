package io.depot.file;

/**
 * One version of one file, with the object it holds, as background work finds it in a read model.
 *
 * @param fileId    the file
 * @param version   the version
 * @param objectKey its object when the read model saw it
 */
public record VersionRef(String fileId, long version, String objectKey) {
}
