package io.depot.saga.file;

import io.depot.blob.BlobIds;
import io.depot.blob.ReferenceBlobCommand;
import io.depot.error.DepotException;
import io.depot.file.FileInfectedEvent;
import io.depot.file.FileScanSkippedEvent;
import io.depot.file.FileScannedEvent;
import io.depot.file.FileVersionAvailableEvent;
import io.depot.file.FileVersionFailedEvent;
import io.depot.file.FileVersionVerifiedEvent;
import io.depot.file.FileVersionedEvent;
import io.depot.file.LinkFileContentCommand;
import io.depot.file.MarkVersionAvailableCommand;
import io.depot.file.RequestFileScanCommand;
import io.depot.file.StorageClass;
import io.depot.platform.processing.BackgroundCommands;
import io.depot.platform.processing.BackgroundCommands.BackgroundCommandException;
import io.depot.platform.processing.ProcessingProperties;
import io.depot.platform.processing.ScanProperties;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.SagaLifecycle;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * From a completed upload to a downloadable version. Once the version-verification worker found the stored object
 * sound, the version is scanned when a scanner is configured ({@code depot.scan.enabled}); on a clean verdict (or a
 * skip that policy allows), or at once with no scanner, its content is deduplicated and it becomes available. An
 * infected or failed version ends the saga: the worker that found it recorded why.
 * <p>
 * Deduplication: a version with a SHA-256 references the blob of its content ({@link BlobIds}), which answers the
 * object to use: its own upload's, or the object of the same bytes stored before, in which case the file records the
 * change and the upload's copy is deleted. Only bytes that are clean and verified are shared, and before the version
 * is downloadable, so no download URL ever names the copy that goes.
 * <p>
 * Every command the saga sends has its outcome handled: a refusal from the domain (the version failed or is infected
 * meanwhile) ends the saga, and any other failure (a store down, a lost race) is tried again by a deadline, with a
 * pause that doubles up to {@code depot.processing.max-retry-backoff}, until it lands. Axon's dead-letter queue does
 * not take sagas, so the saga never lets a failure reach its processor, which would hold up every other version.
 */
@Saga
@ProcessingGroup(FinalizeVersionSaga.GROUP)
public class FinalizeVersionSaga {

    public static final String GROUP = "file-finalize";
    static final String VERSION_KEY = "versionKey";
    static final String RETRY = "finalize-retry";
    private static final Logger log = LoggerFactory.getLogger(FinalizeVersionSaga.class);

    /** What the saga has to do next. */
    enum Step { REQUEST_SCAN, REFERENCE_CONTENT, LINK_CONTENT, MARK_AVAILABLE_UNSCANNED, MARK_AVAILABLE_SCANNED }

    private String fileId;
    private long version;
    private String objectKey;
    private StorageClass storageClass;
    private long size;
    private String sha256;
    private boolean scanned;
    /** The object the content's blob answered, once it did. */
    private String contentKey;
    private Step pending;
    private Instant pendingAt;
    private String retryId;

    @StartSaga
    @SagaEventHandler(associationProperty = VERSION_KEY)
    void on(FileVersionedEvent event) {
        fileId = event.fileId();
        version = event.version();
        objectKey = event.objectKey();
        storageClass = event.storageClass();
        size = event.size();
        sha256 = event.sha256();
    }

    @SagaEventHandler(associationProperty = VERSION_KEY)
    void on(FileVersionVerifiedEvent event, ScanProperties scan, @Timestamp Instant at, BackgroundCommands commands,
            DeadlineManager deadlines, ProcessingProperties processing) {
        if (event.sha256() != null) {
            sha256 = event.sha256();
        }
        attempt(scan.enabled() ? Step.REQUEST_SCAN : contentOrAvailable(), at, 0, commands, deadlines, processing);
    }

    @SagaEventHandler(associationProperty = VERSION_KEY)
    void on(FileScannedEvent event, BackgroundCommands commands, DeadlineManager deadlines,
            ProcessingProperties processing) {
        scanned = true;
        attempt(contentOrAvailable(), event.at(), 0, commands, deadlines, processing);
    }

    @SagaEventHandler(associationProperty = VERSION_KEY)
    void on(FileScanSkippedEvent event, BackgroundCommands commands, DeadlineManager deadlines,
            ProcessingProperties processing) {
        attempt(contentOrAvailable(), event.at(), 0, commands, deadlines, processing);
    }

    /** Content with a known SHA-256 goes through its blob first (a saga started before blobs has no object key). */
    private Step contentOrAvailable() {
        return sha256 != null && objectKey != null && storageClass != null ? Step.REFERENCE_CONTENT : availableStep();
    }

    private Step availableStep() {
        return scanned ? Step.MARK_AVAILABLE_SCANNED : Step.MARK_AVAILABLE_UNSCANNED;
    }

    @DeadlineHandler(deadlineName = RETRY)
    void retry(FinalizeRetry retry, BackgroundCommands commands, DeadlineManager deadlines,
               ProcessingProperties processing) {
        retryId = null;
        if (pending != null) {
            attempt(pending, pendingAt, retry.attempt(), commands, deadlines, processing);
        }
    }

    @EndSaga
    @SagaEventHandler(associationProperty = VERSION_KEY)
    void on(FileVersionAvailableEvent event, DeadlineManager deadlines) {
        cancelRetry(deadlines);
    }

    @EndSaga
    @SagaEventHandler(associationProperty = VERSION_KEY)
    void on(FileVersionFailedEvent event, DeadlineManager deadlines) {
        cancelRetry(deadlines);
    }

    @EndSaga
    @SagaEventHandler(associationProperty = VERSION_KEY)
    void on(FileInfectedEvent event, DeadlineManager deadlines) {
        cancelRetry(deadlines);
    }

    private void attempt(Step step, Instant at, int attempt, BackgroundCommands commands, DeadlineManager deadlines,
                         ProcessingProperties processing) {
        pending = step;
        pendingAt = at;
        String blobId = sha256 == null || storageClass == null ? null : BlobIds.of(storageClass, sha256);
        Object command = switch (step) {
            case REQUEST_SCAN -> new RequestFileScanCommand(fileId, version);
            case REFERENCE_CONTENT -> new ReferenceBlobCommand(blobId, BlobIds.reference(fileId, version), objectKey,
                    sha256, size, storageClass, at);
            case LINK_CONTENT -> new LinkFileContentCommand(fileId, version, blobId, contentKey, at);
            case MARK_AVAILABLE_UNSCANNED -> new MarkVersionAvailableCommand(fileId, version, false, at);
            case MARK_AVAILABLE_SCANNED -> new MarkVersionAvailableCommand(fileId, version, true, at);
        };
        try {
            Object result = commands.send(command);
            pending = null;
            // Referencing and linking content lead straight on to the next step, each tried again on its own.
            if (step == Step.REFERENCE_CONTENT) {
                contentKey = (String) result;
                attempt(Step.LINK_CONTENT, at, 0, commands, deadlines, processing);
            } else if (step == Step.LINK_CONTENT) {
                attempt(availableStep(), at, 0, commands, deadlines, processing);
            }
        } catch (DepotException refusal) {
            log.info("Version {} of file {} cannot go on ({}): {}", version, fileId, step, refusal.getMessage());
            pending = null;
            SagaLifecycle.end();
        } catch (BackgroundCommandException failure) {
            var pause = processing.retryBackoffAfter(attempt);
            log.warn("Version {} of file {}: {} failed (attempt {}), trying again in {}: {}", version, fileId, step,
                    attempt + 1, pause, failure.getMessage());
            retryId = deadlines.schedule(pause, RETRY, new FinalizeRetry(fileId, version, attempt + 1));
        }
    }

    private void cancelRetry(DeadlineManager deadlines) {
        if (retryId != null) {
            deadlines.cancelSchedule(RETRY, retryId);
        }
    }
}
