package io.depot.command.upload;

import io.depot.platform.axon.Dispatch;
import io.depot.platform.storage.ObjectStorage;
import io.depot.upload.AbortReason;
import io.depot.upload.AbortUploadCommand;
import io.depot.upload.UploadStatus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Clock;

/** The owner aborts an upload: the session ends, then its place in the owner's allowance and its storage are freed. */
@Component
class AbortUpload {

    private static final Logger log = LoggerFactory.getLogger(AbortUpload.class);

    private final ObjectStorage storage;
    private final CommandGateway commands;
    private final UploadSessions sessions;
    private final UploadAllowances allowances;
    private final Clock clock;

    AbortUpload(ObjectStorage storage, CommandGateway commands, UploadSessions sessions, UploadAllowances allowances,
                Clock clock) {
        this.storage = storage;
        this.commands = commands;
        this.sessions = sessions;
        this.allowances = allowances;
        this.clock = clock;
    }

    Mono<Void> abort(String uploadId, String requesterId) {
        return sessions.find(uploadId, requesterId).flatMap(view -> {
            Mono<Object> abort = Dispatch.command(commands, new AbortUploadCommand(uploadId, requesterId,
                    AbortReason.CLIENT_ABORTED, clock.instant()));
            return sessions.change(uploadId, abort, (aborted, shown) -> shown.status() == UploadStatus.ABORTED)
                    .then(allowances.release(requesterId, uploadId))
                    // Released at once; if storage fails now, the release worker, on the abort's event, retries it.
                    .then(storage.release(view.objectKey(), view.storageUploadId()).onErrorResume(e -> {
                        log.warn("could not release storage of {} yet: {}", view.objectKey(), e.toString());
                        return Mono.empty();
                    }));
        });
    }
}
