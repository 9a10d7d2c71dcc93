package io.depot.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

import java.time.Instant;
import java.util.Locale;

/**
 * The latest retrieval of an archived version, as the query side keeps it.
 *
 * @param status         requested or available
 * @param requestedAt    when it was asked for
 * @param availableUntil until when the restored object is readable; null while requested
 */
public record VersionRetrieval(RetrievalStatus status, Instant requestedAt, Instant availableUntil) {

    /** {@code requested}, {@code available} or, once the restored copy is gone, {@code expired}. */
    public String statusAt(Instant now) {
        if (status == RetrievalStatus.AVAILABLE && !now.isBefore(availableUntil)) {
            return "expired";
        }
        return status.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Refuses to serve a version in an archive class unless a retrieval of it is available at {@code now}: its bytes
     * cannot be read until storage restores them.
     */
    public static void requireReadable(String fileId, long version, StorageClass storageClass, Instant availableUntil,
                                       Instant now) {
        if (storageClass != null && storageClass.archive()
                && (availableUntil == null || !now.isBefore(availableUntil))) {
            throw new DepotException(ErrorCode.VERSION_ARCHIVED, "version " + version + " of file " + fileId
                    + " is archived in " + storageClass + (availableUntil == null ? "" : "; its last retrieval expired at "
                    + availableUntil) + ". Ask for a retrieval with POST /v1/files/" + fileId + "/versions/" + version
                    + "/retrieval {\"days\": 1..30, \"tier\": \"Standard|Bulk|Expedited\"}, then download it once the "
                    + "version's retrieval status is available");
        }
    }
}
