package io.depot.file;

/**
 * How a version's object moves to another storage class: copied within the bucket from {@code sourceKey} to
 * {@code targetKey} with the new class, then recorded. The target key follows from the source key and the class
 * alone, so a repeated move writes the same object again rather than another one.
 *
 * @param sourceKey the version's object now
 * @param targetKey where the copy in the new class goes
 * @param size      the object's size in bytes
 * @param from      the class the version is in now
 */
public record StorageClassMove(String sourceKey, String targetKey, long size, StorageClass from) {

    /**
     * The key of a copy in {@code storageClass} of the object at {@code objectKey}, which file {@code fileId} holds:
     * {@code objects/<file>/<name>.<class>}, any earlier class suffix of the name replaced. It is under the file's own
     * prefix even when the object is another file's (deduplicated content), so the copy is the file's to account for.
     */
    public static String targetKey(String fileId, String objectKey, StorageClass storageClass) {
        String base = objectKey.substring(objectKey.lastIndexOf('/') + 1);
        for (StorageClass c : StorageClass.values()) {
            String suffix = "." + c.suffix();
            if (base.endsWith(suffix)) {
                base = base.substring(0, base.length() - suffix.length());
                break;
            }
        }
        return "objects/" + fileId + "/" + base + "." + storageClass.suffix();
    }
}
