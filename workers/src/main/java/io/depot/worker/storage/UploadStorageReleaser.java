package io.depot.worker.storage;

import io.depot.platform.storage.ObjectStorage;
import io.depot.upload.ReleaseUploadStorageCommand;
import org.axonframework.commandhandling.CommandHandler;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Releases the storage of uploads that ended without a file, when the cleanup saga asks. It runs with the sagas and
 * workers: without Axon Server the saga's command is handled in the process that sends it.
 */
@Component
class UploadStorageReleaser {

    private final ObjectStorage storage;

    UploadStorageReleaser(ObjectStorage storage) {
        this.storage = storage;
    }

    @CommandHandler
    void handle(ReleaseUploadStorageCommand command) {
        // Command handlers run off the event loop; the handler's thread waits for storage.
        storage.release(command.objectKey(), command.storageUploadId()).block(Duration.ofMinutes(1));
    }
}
