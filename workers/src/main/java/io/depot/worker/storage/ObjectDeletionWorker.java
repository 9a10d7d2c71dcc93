package io.depot.worker.storage;

import io.depot.blob.BlobReferencedEvent;
import io.depot.blob.BlobReleasedEvent;
import io.depot.blob.ContentRelease;
import io.depot.blob.ReleaseBlobCommand;
import io.depot.file.FileDeletedEvent;
import io.depot.file.FileRenditionsRemovedEvent;
import io.depot.file.FileVersionDeletedEvent;
import io.depot.file.FileVersionStorageClassChangedEvent;
import io.depot.platform.processing.BackgroundCommands;
import io.depot.platform.storage.ObjectStorage;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;

/**
 * Removes a deleted file's objects, and deleted versions' objects, from storage, after the deletion is recorded.
 * Content shared through a blob is released on the blob, which answers what to delete: its object only once no
 * version anywhere uses it. Deleting an object that is gone succeeds and releasing a reference twice changes nothing,
 * so a redelivered event is harmless; while storage or the event store fails, the event is retried, then
 * dead-lettered and retried with a growing pause until they are back, never skipped.
 */
@Component
@DisallowReplay
@ProcessingGroup(ObjectDeletionWorker.GROUP)
class ObjectDeletionWorker {

    static final String GROUP = "object-deletion";

    private final ObjectStorage storage;
    private final BackgroundCommands commands;

    ObjectDeletionWorker(ObjectStorage storage, BackgroundCommands commands) {
        this.storage = storage;
        this.commands = commands;
    }

    @EventHandler
    void on(FileDeletedEvent event) {
        for (String key : event.objectKeys()) {
            storage.delete(key).block(Duration.ofMinutes(1));
        }
        for (ContentRelease release : event.contentReleases()) {
            release(release, event.deletedAt());
        }
    }

    /** The renditions of a version that was deleted, failed or was found infected, or of a deleted file's versions. */
    @EventHandler
    void on(FileRenditionsRemovedEvent event) {
        for (String key : event.objectKeys()) {
            storage.delete(key).block(Duration.ofMinutes(1));
        }
    }

    /**
     * A version's former object after it moved to another storage class, unless another version still holds it; or,
     * for deduplicated content, its reference on the blob.
     */
    @EventHandler
    void on(FileVersionStorageClassChangedEvent event) {
        if (event.releasedObjectKey() != null) {
            storage.delete(event.releasedObjectKey()).block(Duration.ofMinutes(1));
        }
        if (event.releasedContent() != null) {
            release(event.releasedContent(), event.at());
        }
    }

    /** A deleted version's object, unless another version (a restore) still uses it. */
    @EventHandler
    void on(FileVersionDeletedEvent event) {
        if (event.objectKey() != null) {
            storage.delete(event.objectKey()).block(Duration.ofMinutes(1));
        }
        if (event.content() != null) {
            release(event.content(), event.at());
        }
    }

    /** The same bytes were stored already: the upload's own copy goes. */
    @EventHandler
    void on(BlobReferencedEvent event) {
        if (event.duplicateKey() != null) {
            storage.delete(event.duplicateKey()).block(Duration.ofMinutes(1));
        }
    }

    /** What no version uses any more once a reference went: the blob's object after its last reference. */
    @EventHandler
    void on(BlobReleasedEvent event) {
        for (String key : event.deletedKeys()) {
            storage.delete(key).block(Duration.ofMinutes(1));
        }
    }

    private void release(ContentRelease release, Instant at) {
        commands.send(new ReleaseBlobCommand(release.blobId(), release.reference(), release.objectKey(), at));
    }
}
