package io.depot.file;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A file's id is derived from its owner and name, so every upload of the same name by the same
 * owner becomes a new version of one file, whichever service instance takes it.
 */
public final class FileIds {

    private FileIds() {
    }

    public static String of(String ownerId, String filename) {
        byte[] key = (ownerId + '\u0000' + filename).getBytes(StandardCharsets.UTF_8);
        return UUID.nameUUIDFromBytes(key).toString();
    }
}
