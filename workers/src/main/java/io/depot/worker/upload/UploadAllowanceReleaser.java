package io.depot.worker.upload;

import io.depot.platform.processing.BackgroundCommands;
import io.depot.platform.processing.BackgroundCommands.BackgroundCommandException;
import io.depot.upload.ReleaseUploadAllowanceCommand;
import io.depot.upload.UploadAbortedEvent;
import io.depot.upload.UploadAllowance;
import io.depot.upload.UploadCompletedEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.stereotype.Component;

import java.time.Instant;

/**
 * Frees an upload's place in its owner's {@link UploadAllowance} once the upload completes or aborts (an expired
 * upload aborts too). Releasing twice changes nothing, so a redelivered event is harmless; while the event store
 * fails, the event is retried, then dead-lettered and retried until it succeeds.
 */
@Component
@DisallowReplay
@ProcessingGroup(UploadAllowanceReleaser.GROUP)
class UploadAllowanceReleaser {

    static final String GROUP = "upload-allowance-release";

    private final BackgroundCommands commands;

    UploadAllowanceReleaser(BackgroundCommands commands) {
        this.commands = commands;
    }

    @EventHandler
    void on(UploadCompletedEvent event) {
        release(event.ownerId(), event.uploadId(), event.completedAt());
    }

    @EventHandler
    void on(UploadAbortedEvent event) {
        release(event.ownerId(), event.uploadId(), event.abortedAt());
    }

    private void release(String ownerId, String uploadId, Instant at) {
        if (ownerId == null) {
            // Recorded before uploads claimed allowances: it holds no place.
            return;
        }
        try {
            commands.send(new ReleaseUploadAllowanceCommand(UploadAllowance.idOf(ownerId), ownerId, uploadId, null, at));
        } catch (BackgroundCommandException e) {
            if (!(e.getCause() instanceof AggregateNotFoundException)) {
                throw e;
            }
            // The owner never claimed a place: limits were off when the upload opened.
        }
    }
}
