package io.depot.file;

import java.util.Locale;

/** Where a rendition stands: asked for, being made, made, or refused for good. */
public enum RenditionStatus {
    PENDING, PROCESSING, AVAILABLE, FAILED;

    /** As it appears in responses: {@code pending}, {@code processing}, {@code available}, {@code failed}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
