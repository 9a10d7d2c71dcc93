package io.depot.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A file and its versions. Each completed upload of the same name by the same owner adds a version;
 * a deleted file comes back with its next upload.
 */
public class StoredFile {

    @AggregateIdentifier
    private String fileId;
    private String ownerId;
    private long version;
    private boolean deleted;
    private Map<String, Long> versionByUpload = new LinkedHashMap<>();
    private List<String> objectKeys = new ArrayList<>();

    protected StoredFile() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public long handle(RecordFileVersionCommand command) {
        Long recorded = versionByUpload.get(command.uploadId());
        if (recorded != null) {
            return recorded;
        }
        if (ownerId != null && !ownerId.equals(command.ownerId())) {
            throw new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + command.fileId());
        }
        long next = version + 1;
        apply(new FileVersionedEvent(command.fileId(), next, command.uploadId(), command.ownerId(),
                command.filename(), command.contentType(), command.size(), command.sha256(),
                command.storageClass(), command.visibility(), command.objectKey(), command.versionedAt()));
        return next;
    }

    /** Returns the keys of the objects to remove from storage; none when the file was already deleted. */
    @CommandHandler
    public List<String> handle(DeleteFileCommand command) {
        if (!ownerId.equals(command.requesterId())) {
            throw new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId);
        }
        if (deleted) {
            return List.of();
        }
        List<String> keys = List.copyOf(objectKeys);
        apply(new FileDeletedEvent(fileId, ownerId, version, keys, command.deletedAt()));
        return keys;
    }

    @EventSourcingHandler
    void on(FileVersionedEvent event) {
        fileId = event.fileId();
        ownerId = event.ownerId();
        version = event.version();
        deleted = false;
        versionByUpload.put(event.uploadId(), event.version());
        objectKeys.add(event.objectKey());
    }

    @EventSourcingHandler
    void on(FileDeletedEvent event) {
        deleted = true;
        objectKeys.clear();
    }
}
