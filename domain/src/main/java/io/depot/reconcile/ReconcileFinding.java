package io.depot.reconcile;

/**
 * One finding of a reconcile run.
 *
 * @param findingId       unique within the run: the kind and the object it concerns, so a run that is resumed
 *                        after a crash records each finding once
 * @param kind            what disagrees
 * @param outcome         what Depot does about it
 * @param objectKey       the object's key in storage
 * @param storageUploadId the multipart upload's id in storage, for stray multipart uploads
 * @param fileId          the file concerned, when there is one
 * @param version         the file version concerned, when there is one
 * @param detail          a sentence for the operator
 */
public record ReconcileFinding(
        String findingId,
        FindingKind kind,
        FindingOutcome outcome,
        String objectKey,
        String storageUploadId,
        String fileId,
        Long version,
        String detail) {

    /** The id a finding of this kind about this object gets. */
    public static String idOf(FindingKind kind, String objectKey, String storageUploadId) {
        return kind.name() + ":" + objectKey + (storageUploadId != null ? ":" + storageUploadId : "");
    }
}
