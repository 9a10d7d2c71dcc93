package io.depot.file;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How fast (and at what cost) S3 restores an archived object: the tiers of RestoreObject. */
public enum RetrievalTier {
    EXPEDITED,
    STANDARD,
    BULK;

    /** Parses a tier name case-insensitively. */
    public static Optional<RetrievalTier> parse(String name) {
        return Arrays.stream(values()).filter(t -> t.name().equals(name.toUpperCase(Locale.ROOT))).findFirst();
    }

    /** The tier as S3 spells it: {@code Standard}, {@code Bulk}, {@code Expedited}. */
    public String s3Name() {
        return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }
}
