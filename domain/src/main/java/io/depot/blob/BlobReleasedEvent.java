package io.depot.blob;

import java.time.Instant;
import java.util.List;

/**
 * A reference on the blob was released; {@code deletedKeys} are the objects no one holds any more, which the
 * object-deletion worker removes: the blob's object once its last reference went, and an upload's own object the
 * file let go of before it took the blob's.
 */
public record BlobReleasedEvent(String blobId, String reference, List<String> deletedKeys, int references,
                                Instant at) {
}
