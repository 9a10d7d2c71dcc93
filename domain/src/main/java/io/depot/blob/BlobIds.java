package io.depot.blob;

import io.depot.file.StorageClass;

import java.util.Locale;

/**
 * A blob is content by its SHA-256 in one storage class: versions with the same bytes and class share its object. The
 * class is part of the id so that an upload asking for one class never ends up in an object kept in another.
 */
public final class BlobIds {

    private BlobIds() {
    }

    public static String of(StorageClass storageClass, String sha256) {
        return "blob-" + storageClass.name().toLowerCase(Locale.ROOT) + "-" + sha256.toLowerCase(Locale.ROOT);
    }

    /** The reference a file's version holds on a blob, shared by the versions restored from it. */
    public static String reference(String fileId, long version) {
        return fileId + ":" + version;
    }
}
