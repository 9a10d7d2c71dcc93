package io.depot.saga.upload;

import io.depot.upload.AbortReason;
import io.depot.upload.AbortUploadCommand;
import io.depot.upload.ReleaseUploadStorageCommand;
import io.depot.upload.UploadAbortedEvent;
import io.depot.upload.UploadCompletedEvent;
import io.depot.upload.UploadExpiry;
import io.depot.upload.UploadInitiatedEvent;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;

/**
 * Every upload has a deadline. Completed in time, the saga ends; not completed by its deadline, the upload
 * expires. An upload that ended without a file, for any reason, has its storage released: the multipart
 * upload aborted, or the single object deleted. Deadlines are persistent and survive restarts.
 */
@Saga
@ProcessingGroup(UploadCleanupSaga.GROUP)
public class UploadCleanupSaga {

    public static final String GROUP = "upload-cleanup";
    static final String UPLOAD_ID = "uploadId";
    static final String EXPIRY = "upload-expiry";

    private String uploadId;
    private String ownerId;
    private String expiryId;

    @StartSaga
    @SagaEventHandler(associationProperty = UPLOAD_ID)
    void on(UploadInitiatedEvent event, DeadlineManager deadlines) {
        uploadId = event.uploadId();
        ownerId = event.ownerId();
        expiryId = deadlines.schedule(event.expiresAt(), EXPIRY,
                new UploadExpiry(event.uploadId(), event.ownerId(), event.expiresAt()));
    }

    @EndSaga
    @SagaEventHandler(associationProperty = UPLOAD_ID)
    void on(UploadCompletedEvent event, DeadlineManager deadlines) {
        deadlines.cancelSchedule(EXPIRY, expiryId);
    }

    @EndSaga
    @SagaEventHandler(associationProperty = UPLOAD_ID)
    void on(UploadAbortedEvent event, DeadlineManager deadlines, CommandGateway commands) {
        deadlines.cancelSchedule(EXPIRY, expiryId);
        commands.send(new ReleaseUploadStorageCommand(event.uploadId(), event.objectKey(), event.storageUploadId()));
    }

    @DeadlineHandler(deadlineName = EXPIRY)
    void expire(UploadExpiry expiry, CommandGateway commands) {
        commands.send(new AbortUploadCommand(expiry.uploadId(), expiry.ownerId(), AbortReason.EXPIRED,
                expiry.expiresAt()));
    }
}
