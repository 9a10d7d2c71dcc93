package io.depot.worker.tier;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.FileArchiveRetrievalRequestedEvent;
import io.depot.platform.storage.ArchiveRetrieval;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Asks storage to restore an archived object once its retrieval is recorded; {@link ArchiveRetrievalPoll} records
 * when it finished. Asking again while a restore is under way succeeds, so a redelivered event is harmless; while
 * storage fails the event is retried, then dead-lettered and retried with a growing pause. An object that left its
 * key since (the version moved or was deleted) has nothing to restore.
 */
@Component
@DisallowReplay
@ProcessingGroup(ArchiveRestores.GROUP)
class ArchiveRestores {

    static final String GROUP = "archive-retrievals";
    private static final Logger log = LoggerFactory.getLogger(ArchiveRestores.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private final ArchiveRetrieval archive;

    ArchiveRestores(ArchiveRetrieval archive) {
        this.archive = archive;
    }

    @EventHandler
    void on(FileArchiveRetrievalRequestedEvent event) {
        try {
            archive.requestRestore(event.objectKey(), event.days(), event.tier()).block(TIMEOUT);
        } catch (DepotException e) {
            if (e.code() != ErrorCode.NOT_FOUND && e.code() != ErrorCode.STORAGE_ERROR) {
                throw e;
            }
            log.warn("version {} of file {}: storage restores nothing at {}: {}", event.version(), event.fileId(),
                    event.objectKey(), e.getMessage());
        }
    }
}
