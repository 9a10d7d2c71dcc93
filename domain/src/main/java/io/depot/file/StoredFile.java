package io.depot.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A file and its versions. Each completed upload of the same name by the same owner adds a version, which
 * is processed (verified, scanned where policy requires) before it becomes available or fails; a deleted
 * file comes back with its next upload.
 */
public class StoredFile {

    @AggregateIdentifier
    private String fileId;
    private String ownerId;
    private long version;
    private boolean deleted;
    private Map<String, Long> versionByUpload = new LinkedHashMap<>();
    private List<String> objectKeys = new ArrayList<>();
    private Map<Long, String> objectKeyByVersion = new HashMap<>();
    private Map<Long, FileStatus> statusByVersion = new HashMap<>();
    private Set<Long> verified = new HashSet<>();
    private Set<Long> scanRequested = new HashSet<>();
    private Map<Long, ScanStatus> scanByVersion = new HashMap<>();

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

    @CommandHandler
    public void handle(RecordVersionVerifiedCommand command) {
        requireVersion(command.version());
        if (verified.contains(command.version()) || statusByVersion.get(command.version()) == FileStatus.FAILED) {
            return;
        }
        apply(new FileVersionVerifiedEvent(fileId, command.version(), command.sha256()));
    }

    @CommandHandler
    public void handle(RequestFileScanCommand command) {
        requireVersion(command.version());
        if (scanRequested.contains(command.version())) {
            return;
        }
        apply(new FileScanRequestedEvent(fileId, command.version(), objectKeyByVersion.get(command.version())));
    }

    @CommandHandler
    public void handle(MarkVersionAvailableCommand command) {
        requireVersion(command.version());
        FileStatus status = statusByVersion.get(command.version());
        if (status == FileStatus.AVAILABLE) {
            return;
        }
        if (status == FileStatus.FAILED) {
            throw new DepotException(ErrorCode.FILE_VERSION_FAILED, "version " + command.version() + " of file "
                    + fileId + " failed and cannot become available");
        }
        if (status == FileStatus.INFECTED) {
            throw new DepotException(ErrorCode.FILE_INFECTED, "version " + command.version() + " of file "
                    + fileId + " is infected and cannot become available");
        }
        apply(new FileVersionAvailableEvent(fileId, command.version(), objectKeyByVersion.get(command.version()),
                command.scanned(), command.at()));
    }

    @CommandHandler
    public void handle(RecordFileScannedCommand command) {
        requireVersion(command.version());
        if (scanByVersion.containsKey(command.version()) || statusByVersion.get(command.version()) == FileStatus.FAILED) {
            return;
        }
        apply(new FileScannedEvent(fileId, command.version(), command.engine(), command.signatures(), command.at()));
    }

    /** Malware outranks any earlier verdict: a version found infected is never downloadable again. */
    @CommandHandler
    public void handle(RecordFileInfectedCommand command) {
        requireVersion(command.version());
        if (scanByVersion.get(command.version()) == ScanStatus.INFECTED) {
            return;
        }
        apply(new FileInfectedEvent(fileId, command.version(), objectKeyByVersion.get(command.version()),
                command.signature(), command.quarantineKey(), command.at()));
    }

    @CommandHandler
    public void handle(SkipFileScanCommand command) {
        requireVersion(command.version());
        if (scanByVersion.containsKey(command.version()) || statusByVersion.get(command.version()) == FileStatus.FAILED) {
            return;
        }
        apply(new FileScanSkippedEvent(fileId, command.version(), command.reason(), command.at()));
    }

    @CommandHandler
    public void handle(FailFileVersionCommand command) {
        requireVersion(command.version());
        FileStatus status = statusByVersion.get(command.version());
        if (status == FileStatus.FAILED || status == FileStatus.INFECTED) {
            return;
        }
        apply(new FileVersionFailedEvent(fileId, command.version(), objectKeyByVersion.get(command.version()),
                command.reason(), command.at()));
    }

    /**
     * The version whose object is at {@code objectKey}, while the file still holds it: empty once that version
     * failed or was found infected, or the file was deleted.
     */
    public Optional<Long> versionHolding(String objectKey) {
        if (!objectKeys.contains(objectKey)) {
            return Optional.empty();
        }
        return objectKeyByVersion.entrySet().stream()
                .filter(entry -> entry.getValue().equals(objectKey))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    private void requireVersion(long version) {
        if (!statusByVersion.containsKey(version)) {
            throw new DepotException(ErrorCode.FILE_NOT_FOUND, "file " + fileId + " has no version " + version);
        }
    }

    @EventSourcingHandler
    void on(FileVersionedEvent event) {
        fileId = event.fileId();
        ownerId = event.ownerId();
        version = event.version();
        deleted = false;
        versionByUpload.put(event.uploadId(), event.version());
        objectKeys.add(event.objectKey());
        objectKeyByVersion.put(event.version(), event.objectKey());
        statusByVersion.put(event.version(), FileStatus.PROCESSING);
    }

    @EventSourcingHandler
    void on(FileVersionVerifiedEvent event) {
        verified.add(event.version());
    }

    @EventSourcingHandler
    void on(FileScanRequestedEvent event) {
        scanRequested.add(event.version());
    }

    @EventSourcingHandler
    void on(FileScannedEvent event) {
        scanByVersion.put(event.version(), ScanStatus.CLEAN);
    }

    @EventSourcingHandler
    void on(FileInfectedEvent event) {
        scanByVersion.put(event.version(), ScanStatus.INFECTED);
        statusByVersion.put(event.version(), FileStatus.INFECTED);
        objectKeys.remove(event.objectKey());
    }

    @EventSourcingHandler
    void on(FileScanSkippedEvent event) {
        scanByVersion.put(event.version(), ScanStatus.SKIPPED);
    }

    @EventSourcingHandler
    void on(FileVersionAvailableEvent event) {
        statusByVersion.put(event.version(), FileStatus.AVAILABLE);
    }

    @EventSourcingHandler
    void on(FileVersionFailedEvent event) {
        statusByVersion.put(event.version(), FileStatus.FAILED);
        objectKeys.remove(event.objectKey());
    }

    @EventSourcingHandler
    void on(FileDeletedEvent event) {
        deleted = true;
        objectKeys.clear();
    }
}
