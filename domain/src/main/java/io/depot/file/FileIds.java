package io.depot.file;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A file's id is derived from its owner and name, so every upload of the same name by the same owner becomes a new
 * version of one file, whichever service instance takes it. A name another file gave up (renamed away, deleted)
 * starts a new generation, whose first upload makes a new file; {@link FileName} keeps which file holds a name.
 */
public final class FileIds {

    private FileIds() {
    }

    /** The id of the first file an owner stored under a name. */
    public static String of(String ownerId, String filename) {
        return of(ownerId, filename, 0);
    }

    /** The id of the file an owner stores under a name after {@code generation} files gave it up. */
    public static String of(String ownerId, String filename, long generation) {
        String key = ownerId + '\u0000' + filename + (generation == 0 ? "" : "\u0000" + generation);
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The id of the {@link FileName} that records which of the owner's files holds a name. */
    public static String nameId(String ownerId, String filename) {
        return "name-" + of(ownerId, filename);
    }
}
