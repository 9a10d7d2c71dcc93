package io.depot.upload;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Takes the write lease of an upload written in order (tus PATCH): refused while another request holds it, and unless
 * {@code offset} is where the upload stands. The holder sends it again to renew its lease. Answers the session.
 *
 * @param uploadId    the session
 * @param requesterId the user writing
 * @param writeId     the request writing
 * @param offset      where the request starts writing
 * @param at          now
 * @param leaseUntil  until when the request holds the lease unless it renews it
 */
public record StartUploadWriteCommand(
        @TargetAggregateIdentifier String uploadId,
        String requesterId,
        String writeId,
        long offset,
        Instant at,
        Instant leaseUntil) {
}
