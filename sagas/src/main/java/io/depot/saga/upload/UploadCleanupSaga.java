package io.depot.saga.upload;

import io.depot.error.DepotException;
import io.depot.platform.processing.BackgroundCommands;
import io.depot.platform.processing.BackgroundCommands.BackgroundCommandException;
import io.depot.platform.processing.ProcessingProperties;
import io.depot.upload.AbortReason;
import io.depot.upload.AbortUploadCommand;
import io.depot.upload.UploadAbortedEvent;
import io.depot.upload.UploadCompletedEvent;
import io.depot.upload.UploadExpiry;
import io.depot.upload.UploadInitiatedEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.SagaLifecycle;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every upload has a deadline. Completed in time, the saga ends; not completed by its deadline, the upload expires.
 * An expiry that cannot be recorded (the event store down, a race lost past the gateway's retries) is tried again by
 * a deadline, with a pause that doubles up to {@code depot.processing.max-retry-backoff}, until the upload is aborted
 * or turns out completed. The storage of an aborted upload is released by the upload-storage-release worker, which
 * retries while storage is down. Deadlines are persistent and survive restarts.
 */
@Saga
@ProcessingGroup(UploadCleanupSaga.GROUP)
public class UploadCleanupSaga {

    public static final String GROUP = "upload-cleanup";
    static final String UPLOAD_ID = "uploadId";
    static final String EXPIRY = "upload-expiry";
    private static final Logger log = LoggerFactory.getLogger(UploadCleanupSaga.class);

    private String uploadId;
    private String ownerId;
    private String expiryId;

    @StartSaga
    @SagaEventHandler(associationProperty = UPLOAD_ID)
    void on(UploadInitiatedEvent event, DeadlineManager deadlines) {
        uploadId = event.uploadId();
        ownerId = event.ownerId();
        expiryId = deadlines.schedule(event.expiresAt(), EXPIRY,
                new UploadExpiry(event.uploadId(), event.ownerId(), event.expiresAt(), 0));
    }

    @EndSaga
    @SagaEventHandler(associationProperty = UPLOAD_ID)
    void on(UploadCompletedEvent event, DeadlineManager deadlines) {
        deadlines.cancelSchedule(EXPIRY, expiryId);
    }

    @EndSaga
    @SagaEventHandler(associationProperty = UPLOAD_ID)
    void on(UploadAbortedEvent event, DeadlineManager deadlines) {
        deadlines.cancelSchedule(EXPIRY, expiryId);
    }

    @DeadlineHandler(deadlineName = EXPIRY)
    void expire(UploadExpiry expiry, BackgroundCommands commands, DeadlineManager deadlines,
                ProcessingProperties processing) {
        try {
            commands.send(new AbortUploadCommand(expiry.uploadId(), expiry.ownerId(), AbortReason.EXPIRED,
                    expiry.expiresAt()));
        } catch (DepotException refusal) {
            // Completed in the meantime: that is recorded, and nothing is left for this saga to do.
            log.info("Upload {} did not expire: {}", expiry.uploadId(), refusal.getMessage());
            SagaLifecycle.end();
        } catch (BackgroundCommandException failure) {
            var pause = processing.retryBackoffAfter(expiry.attempt());
            log.warn("Upload {} could not be expired (attempt {}), trying again in {}: {}", expiry.uploadId(),
                    expiry.attempt() + 1, pause, failure.getMessage());
            expiryId = deadlines.schedule(pause, EXPIRY, expiry.retried());
        }
    }
}
