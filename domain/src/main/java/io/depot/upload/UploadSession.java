package io.depot.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * An upload in progress: which parts storage holds, and whether the upload became a file version
 * or was abandoned. Only its owner may act on it; to anyone else it does not exist.
 */
public class UploadSession {

    @AggregateIdentifier
    private String uploadId;
    private String fileId;
    private String ownerId;
    private String filename;
    private String contentType;
    private UploadPlan plan;
    private StorageClass storageClass;
    private Visibility visibility;
    private String sha256;
    private String objectKey;
    private String storageUploadId;
    private UploadStatus status;
    private AbortReason abortReason;
    private Long version;
    private Instant initiatedAt;
    private Instant expiresAt;
    private Map<Integer, UploadedPart> parts;
    private TusOptions tus;
    private UploadWrite write;

    protected UploadSession() {
    }

    @CommandHandler
    public UploadSession(InitiateUploadCommand command) {
        apply(new UploadInitiatedEvent(command.uploadId(), command.fileId(), command.ownerId(),
                command.filename(), command.contentType(), command.plan(), command.storageClass(),
                command.visibility(), command.sha256(), command.objectKey(), command.storageUploadId(),
                command.initiatedAt(), command.expiresAt(), command.tus()));
    }

    /** Answers the session's version (its last event's sequence number) once the part is recorded. */
    @CommandHandler
    public long handle(RecordPartCommand command) {
        requireOwner(command.requesterId());
        requireInProgress();
        UploadedPart part = new UploadedPart(command.partNumber(), command.etag(), command.size(), command.uploadedAt());
        checkPart(part);
        recordPart(part);
        return AggregateLifecycle.getVersion();
    }

    /** Answers the session's version once the parts are recorded. */
    @CommandHandler
    public long handle(RecordPartsCommand command) {
        requireOwner(command.requesterId());
        requireInProgress();
        command.parts().forEach(this::checkPart);
        command.parts().forEach(this::recordPart);
        return AggregateLifecycle.getVersion();
    }

    private void checkPart(UploadedPart part) {
        plan.requirePartSize(part.partNumber(), part.size(), "storage");
    }

    /** A part already recorded with the same ETag changes nothing; a new ETag replaces it. */
    private void recordPart(UploadedPart part) {
        UploadedPart recorded = parts.get(part.partNumber());
        if (recorded != null && recorded.etag().equals(part.etag())) {
            return;
        }
        apply(new PartUploadedEvent(uploadId, part.partNumber(), part.etag(), part.size(), part.uploadedAt()));
    }

    /**
     * Takes or renews the write lease. A request that finds another's lease running is refused (423), as is one that
     * starts anywhere but where the upload stands (409), so that two requests never write the same bytes, on any
     * instance.
     */
    @CommandHandler
    public UploadSessionView handle(StartUploadWriteCommand command) {
        requireOwner(command.requesterId());
        requireInProgress();
        requireNotExpired(command.at());
        UploadWrite current = write();
        if (current.lockedAgainst(command.writeId(), command.at())) {
            throw new DepotException(ErrorCode.UPLOAD_LOCKED, "another request is writing upload " + uploadId
                    + " until " + current.leaseUntil() + "; try again");
        }
        if (command.offset() != current.offset()) {
            throw new DepotException(ErrorCode.UPLOAD_OFFSET_MISMATCH, "upload " + uploadId + " stands at offset "
                    + current.offset() + ", not " + command.offset());
        }
        apply(new UploadWriteStartedEvent(uploadId, command.writeId(), command.offset(), command.at(),
                command.leaseUntil()));
        return view();
    }

    /** Records what the lease's holder stored; refused to anyone else (409: its lease ran out and was taken). */
    @CommandHandler
    public UploadSessionView handle(AdvanceUploadWriteCommand command) {
        requireOwner(command.requesterId());
        requireInProgress();
        UploadWrite current = write();
        if (!command.writeId().equals(current.writeId())) {
            throw new DepotException(ErrorCode.UPLOAD_LOCKED, "the write lease of upload " + uploadId
                    + " was taken over by another request");
        }
        if (command.offset() < current.offset() || (!plan.lengthDeferred() && command.offset() > plan.size())) {
            throw new DepotException(ErrorCode.UPLOAD_OFFSET_MISMATCH, "upload " + uploadId + " cannot go from offset "
                    + current.offset() + " to " + command.offset());
        }
        command.parts().forEach(this::checkPart);
        command.parts().forEach(this::recordPart);
        String replaced = current.tailKey() != null && !current.tailKey().equals(command.tailKey())
                ? current.tailKey() : null;
        apply(new UploadWriteAdvancedEvent(uploadId, command.writeId(), command.offset(), command.tailKey(),
                command.tailLength(), replaced, command.at(), command.leaseUntil()));
        return view();
    }

    @CommandHandler
    public UploadSessionView handle(DeclareUploadLengthCommand command) {
        requireOwner(command.requesterId());
        requireInProgress();
        if (!plan.lengthDeferred()) {
            if (plan.size() == command.size()) {
                return view();
            }
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "upload " + uploadId + " has length " + plan.size()
                    + " already");
        }
        if (command.size() < write().offset()) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "upload " + uploadId + " holds " + write().offset()
                    + " bytes, more than the length " + command.size());
        }
        apply(new UploadLengthDeclaredEvent(uploadId, plan.declare(command.size()), command.at()));
        return view();
    }

    private void requireNotExpired(java.time.Instant now) {
        if (!expiresAt.isAfter(now)) {
            throw new DepotException(ErrorCode.UPLOAD_GONE, "upload " + uploadId + " expired at " + expiresAt);
        }
    }

    private UploadWrite write() {
        return write == null ? UploadWrite.NONE : write;
    }

    @CommandHandler
    public UploadCompletion handle(CompleteUploadCommand command) {
        requireOwner(command.requesterId());
        if (status == UploadStatus.COMPLETED) {
            return new UploadCompletion(uploadId, fileId, version);
        }
        requireInProgress();
        var missing = view().missingParts();
        if (!missing.isEmpty()) {
            throw UploadPlan.partsMissing(missing);
        }
        apply(new UploadCompletedEvent(uploadId, ownerId, fileId, command.version(), plan.size(), command.sha256(),
                command.completedAt()));
        return new UploadCompletion(uploadId, fileId, command.version());
    }

    @CommandHandler
    public void handle(AbortUploadCommand command) {
        requireOwner(command.requesterId());
        if (status == UploadStatus.ABORTED) {
            return;
        }
        if (status == UploadStatus.COMPLETED) {
            throw new DepotException(ErrorCode.UPLOAD_COMPLETED, "upload " + uploadId + " is already completed");
        }
        apply(new UploadAbortedEvent(uploadId, ownerId, objectKey, storageUploadId, command.reason(), command.abortedAt()));
    }

    @CommandHandler
    public UploadSessionView handle(DescribeUploadSessionCommand command) {
        requireOwner(command.requesterId());
        return view();
    }

    /** The session's state for its owner. */
    public UploadSessionView view() {
        return new UploadSessionView(uploadId, fileId, ownerId, filename, contentType, plan, storageClass,
                visibility, sha256, objectKey, storageUploadId, status, abortReason,
                new ArrayList<>(parts.values()), version, initiatedAt, expiresAt, tus, write());
    }

    private void requireOwner(String requesterId) {
        if (!ownerId.equals(requesterId)) {
            throw new DepotException(ErrorCode.UPLOAD_NOT_FOUND, "no upload " + uploadId);
        }
    }

    private void requireInProgress() {
        status.requireInProgress(uploadId, abortReason);
    }

    @EventSourcingHandler
    void on(UploadInitiatedEvent event) {
        uploadId = event.uploadId();
        fileId = event.fileId();
        ownerId = event.ownerId();
        filename = event.filename();
        contentType = event.contentType();
        plan = event.plan();
        storageClass = event.storageClass();
        visibility = event.visibility();
        sha256 = event.sha256();
        objectKey = event.objectKey();
        storageUploadId = event.storageUploadId();
        initiatedAt = event.initiatedAt();
        expiresAt = event.expiresAt();
        tus = event.tus();
        write = UploadWrite.NONE;
        status = UploadStatus.IN_PROGRESS;
        parts = new TreeMap<>();
    }

    @EventSourcingHandler
    void on(PartUploadedEvent event) {
        parts.put(event.partNumber(), new UploadedPart(event.partNumber(), event.etag(), event.size(), event.uploadedAt()));
    }

    @EventSourcingHandler
    void on(UploadWriteStartedEvent event) {
        UploadWrite current = write();
        write = new UploadWrite(current.offset(), current.tailKey(), current.tailLength(), event.writeId(),
                event.leaseUntil());
    }

    @EventSourcingHandler
    void on(UploadWriteAdvancedEvent event) {
        write = new UploadWrite(event.offset(), event.tailKey(), event.tailLength(),
                event.leaseUntil() == null ? null : event.writeId(), event.leaseUntil());
    }

    @EventSourcingHandler
    void on(UploadLengthDeclaredEvent event) {
        plan = event.plan();
    }

    @EventSourcingHandler
    void on(UploadCompletedEvent event) {
        status = UploadStatus.COMPLETED;
        version = event.version();
        if (event.sha256() != null) {
            sha256 = event.sha256();
        }
    }

    @EventSourcingHandler
    void on(UploadAbortedEvent event) {
        status = UploadStatus.ABORTED;
        abortReason = event.reason();
    }
}
