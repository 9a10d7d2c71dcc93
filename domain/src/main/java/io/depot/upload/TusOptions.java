package io.depot.upload;

import java.util.List;

/**
 * What a tus client said of an upload when it created it, kept with the session so that every instance answers the
 * same. Null on sessions opened through Depot's own upload API.
 *
 * @param metadata the {@code Upload-Metadata} header as sent (comma-separated keys with base64 values), or null
 * @param concat   {@code partial} for a part of a parallel upload, {@code final} for their concatenation, or null
 * @param partials for a final upload, the partial uploads it concatenates, in order; else empty
 */
public record TusOptions(String metadata, String concat, List<String> partials) {

    public static final String PARTIAL = "partial";
    public static final String FINAL = "final";

    public TusOptions {
        partials = partials == null ? List.of() : List.copyOf(partials);
    }

    public boolean partial() {
        return PARTIAL.equals(concat);
    }

    public boolean finalUpload() {
        return FINAL.equals(concat);
    }
}
