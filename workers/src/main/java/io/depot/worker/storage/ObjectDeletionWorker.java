package io.depot.worker.storage;

import io.depot.file.FileDeletedEvent;
import io.depot.file.FileRenditionsRemovedEvent;
import io.depot.file.FileVersionDeletedEvent;
import io.depot.file.FileVersionStorageClassChangedEvent;
import io.depot.platform.storage.ObjectStorage;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Removes a deleted file's objects, and deleted versions' objects, from storage, after the deletion is recorded. Deleting an object that is
 * gone succeeds, so a redelivered event is harmless; while storage fails, the event is retried, then
 * dead-lettered and retried with a growing pause until storage is back, never skipped.
 */
@Component
@DisallowReplay
@ProcessingGroup(ObjectDeletionWorker.GROUP)
class ObjectDeletionWorker {

    static final String GROUP = "object-deletion";

    private final ObjectStorage storage;

    ObjectDeletionWorker(ObjectStorage storage) {
        this.storage = storage;
    }

    @EventHandler
    void on(FileDeletedEvent event) {
        for (String key : event.objectKeys()) {
            storage.delete(key).block(Duration.ofMinutes(1));
        }
    }

    /** The renditions of a version that was deleted, failed or was found infected, or of a deleted file's versions. */
    @EventHandler
    void on(FileRenditionsRemovedEvent event) {
        for (String key : event.objectKeys()) {
            storage.delete(key).block(Duration.ofMinutes(1));
        }
    }

    /** A version's former object after it moved to another storage class, unless another version still holds it. */
    @EventHandler
    void on(FileVersionStorageClassChangedEvent event) {
        if (event.releasedObjectKey() != null) {
            storage.delete(event.releasedObjectKey()).block(Duration.ofMinutes(1));
        }
    }

    /** A deleted version's object, unless another version (a restore) still uses it. */
    @EventHandler
    void on(FileVersionDeletedEvent event) {
        if (event.objectKey() != null) {
            storage.delete(event.objectKey()).block(Duration.ofMinutes(1));
        }
    }
}
