package io.depot.upload;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;

/**
 * Records what a write lease's holder stored: whole parts, and the tail now holding the next part's first bytes.
 * Refused unless {@code writeId} holds the lease. With {@code leaseUntil} null the lease ends.
 *
 * @param uploadId    the session
 * @param requesterId the user writing
 * @param writeId     the request writing
 * @param parts       parts stored whole since the last record
 * @param offset      the offset reached
 * @param tailKey     the tail object, or null at a part boundary
 * @param tailLength  the tail's length
 * @param at          now
 * @param leaseUntil  the renewed lease, or null to end it
 */
public record AdvanceUploadWriteCommand(
        @TargetAggregateIdentifier String uploadId,
        String requesterId,
        String writeId,
        List<UploadedPart> parts,
        long offset,
        String tailKey,
        long tailLength,
        Instant at,
        Instant leaseUntil) {

    public AdvanceUploadWriteCommand {
        parts = List.copyOf(parts);
    }
}
