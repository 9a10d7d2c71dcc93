package io.depot.query.file;

import io.depot.file.StorageClass;
import io.depot.file.VersionRetrieval;

import java.time.Instant;

/**
 * Where the retrieval of an archived version stands: {@code status} is {@code none} (never asked for),
 * {@code requested} (storage is restoring it), {@code available} (downloadable until {@code available_until}) or
 * {@code expired} (ask again). Absent for a version that is not archived.
 */
record RetrievalResponse(String status, Instant requestedAt, Instant availableUntil) {

    static RetrievalResponse of(StorageClass storageClass, VersionRetrieval retrieval, Instant now) {
        if (storageClass == null || !storageClass.archive()) {
            return null;
        }
        if (retrieval == null) {
            return new RetrievalResponse("none", null, null);
        }
        return new RetrievalResponse(retrieval.statusAt(now), retrieval.requestedAt(), retrieval.availableUntil());
    }
}
