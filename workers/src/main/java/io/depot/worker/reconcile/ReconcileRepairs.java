package io.depot.worker.reconcile;

import io.depot.file.FailFileVersionCommand;
import io.depot.platform.processing.BackgroundCommands;
import io.depot.platform.storage.ObjectStorage;
import io.depot.reconcile.FindingOutcome;
import io.depot.reconcile.ReconcileFinding;
import io.depot.reconcile.ReconcileFindingRecordedEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Carries out what a recorded finding says: quarantines objects, aborts stray multipart uploads, marks versions
 * whose bytes are gone or corrupt as failed. Each step is idempotent (a quarantined object is not copied twice,
 * aborting an aborted upload succeeds, failing a failed version changes nothing), so a redelivered finding is
 * harmless; while storage fails, the event is retried, then dead-lettered and retried with a growing pause.
 */
@Component
@DisallowReplay
@ProcessingGroup(ReconcileRepairs.GROUP)
class ReconcileRepairs {

    static final String GROUP = "reconcile-repairs";
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    /** Storage copies large objects at its own pace; a 5 TiB object is the bound. */
    private static final Duration COPY_TIMEOUT = Duration.ofHours(6);

    private final ObjectStorage storage;
    private final BackgroundCommands commands;

    ReconcileRepairs(ObjectStorage storage, BackgroundCommands commands) {
        this.storage = storage;
        this.commands = commands;
    }

    @EventHandler
    void on(ReconcileFindingRecordedEvent event) {
        ReconcileFinding finding = event.finding();
        if (finding.outcome() == FindingOutcome.REPORTED) {
            return;
        }
        switch (finding.kind()) {
            case ORPHAN_OBJECT -> quarantine(finding.objectKey());
            case STRAY_MULTIPART_UPLOAD ->
                    storage.abortMultipartUpload(finding.objectKey(), finding.storageUploadId()).block(TIMEOUT);
            case MISSING_OBJECT -> commands.send(new FailFileVersionCommand(finding.fileId(), finding.version(),
                    "its object is missing from storage (reconcile run " + event.runId() + ")", event.at()));
            case CHECKSUM_MISMATCH -> {
                quarantine(finding.objectKey());
                commands.send(new FailFileVersionCommand(finding.fileId(), finding.version(),
                        "its stored bytes no longer match its SHA-256 and were quarantined (reconcile run "
                                + event.runId() + ")", event.at()));
            }
        }
    }

    /** Moves the object under {@code quarantine/}, keeping its key, where an operator can inspect or restore it. */
    private void quarantine(String objectKey) {
        storage.moveOrDelete(objectKey, ObjectStorage.QUARANTINE_PREFIX + objectKey).block(COPY_TIMEOUT);
    }
}
