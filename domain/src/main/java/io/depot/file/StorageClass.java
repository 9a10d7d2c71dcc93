package io.depot.file;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The S3 storage classes a file may be written in. */
public enum StorageClass {
    STANDARD(0),
    STANDARD_IA(2),
    ONEZONE_IA(2),
    INTELLIGENT_TIERING(1),
    GLACIER_IR(3),
    GLACIER(4),
    DEEP_ARCHIVE(5);

    /** How cold the class is: cheaper to keep, dearer or slower to read. Equal for classes neither is colder than. */
    private final int coldness;

    StorageClass(int coldness) {
        this.coldness = coldness;
    }

    /** Whether this class is colder than {@code other}: lifecycle rules move versions only this way. */
    public boolean colderThan(StorageClass other) {
        return coldness > other.coldness;
    }

    /** The class as the suffix of an object key moved into it, e.g. {@code standard_ia}. */
    public String suffix() {
        return name().toLowerCase(Locale.ROOT);
    }

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
