package io.depot.upload;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;

/**
 * Records several parts that storage holds, in one step: the parts a client put to their presigned URLs without
 * reporting them, found when the upload completes. Each part is recorded as {@link RecordPartCommand} records
 * one; when any of them is invalid, none is recorded.
 *
 * @param uploadId    the session
 * @param requesterId the user completing the upload
 * @param parts       the parts, each with the ETag and length storage gave it
 */
public record RecordPartsCommand(
        @TargetAggregateIdentifier String uploadId,
        String requesterId,
        List<UploadedPart> parts) {

    public RecordPartsCommand {
        parts = List.copyOf(parts);
    }
}
