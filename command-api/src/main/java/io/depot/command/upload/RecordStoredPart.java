package io.depot.command.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.axon.Dispatch;
import io.depot.platform.storage.ObjectStorage;
import io.depot.platform.storage.StoredPart;
import io.depot.upload.RecordPartCommand;
import io.depot.upload.UploadSessionSummary;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Clock;

/** Records a part that storage holds: one the client put there through a presigned URL, or one Depot streamed. */
@Component
class RecordStoredPart {

    private final ObjectStorage storage;
    private final CommandGateway commands;
    private final UploadSessions sessions;
    private final Clock clock;

    RecordStoredPart(ObjectStorage storage, CommandGateway commands, UploadSessions sessions, Clock clock) {
        this.storage = storage;
        this.commands = commands;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** Records a part the client reports, after checking that storage holds it with the ETag reported. */
    Mono<PartResponse> report(String uploadId, String requesterId, int partNumber, String etag) {
        return sessions.find(uploadId, requesterId).flatMap(view -> {
            view.requireInProgress();
            view.plan().requirePart(partNumber);
            return storage.findPart(view.objectKey(), view.storageUploadId(), partNumber).flatMap(found -> {
                StoredPart part = found.orElseThrow(() -> new DepotException(ErrorCode.PART_NOT_STORED,
                        "storage holds no part " + partNumber + " for upload " + uploadId));
                if (!part.etag().equals(ObjectStorage.unquote(etag))) {
                    throw new DepotException(ErrorCode.PART_NOT_STORED, "part " + partNumber
                            + " in storage has ETag " + part.etag() + ", not " + ObjectStorage.unquote(etag));
                }
                return record(view, partNumber, part.etag(), part.size());
            });
        });
    }

    /** Records a part storage holds; answers once the session shows it. */
    Mono<PartResponse> record(UploadSessionSummary session, int partNumber, String etag, long size) {
        Mono<Long> command = Dispatch.command(commands, new RecordPartCommand(session.uploadId(), session.ownerId(),
                partNumber, etag, size, clock.instant()));
        // The command answers the session's version with the part recorded; the read model shows it from there on.
        return sessions.change(session.uploadId(), command, (version, shown) -> shown.sequence() >= version)
                .thenReturn(new PartResponse(partNumber, etag, size));
    }
}
