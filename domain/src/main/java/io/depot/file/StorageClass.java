package io.depot.file;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The S3 storage classes a file may be written in. */
public enum StorageClass {
    STANDARD,
    STANDARD_IA,
    ONEZONE_IA,
    INTELLIGENT_TIERING,
    GLACIER_IR,
    GLACIER,
    DEEP_ARCHIVE;

    /**
     * Whether objects in this class can be read only after a restore. Depot reads every new version (to assemble,
     * verify and scan it), so uploads never go straight to an archive class; files reach one by lifecycle rules.
     */
    public boolean archive() {
        return this == GLACIER || this == DEEP_ARCHIVE;
    }

    /** Parses a storage class name case-insensitively. */
    public static Optional<StorageClass> parse(String name) {
        return Arrays.stream(values())
                .filter(c -> c.name().equals(name.toUpperCase(Locale.ROOT)))
                .findFirst();
    }
}
