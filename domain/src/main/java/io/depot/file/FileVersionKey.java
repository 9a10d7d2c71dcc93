package io.depot.file;

/** Names one version of one file, for sagas that follow a version through processing. */
public final class FileVersionKey {

    private FileVersionKey() {
    }

    public static String of(String fileId, long version) {
        return fileId + "/" + version;
    }
}
