package io.depot.command.upload;

import io.depot.platform.storage.ObjectStorage;
import io.depot.upload.ReleaseUploadStorageCommand;
import org.axonframework.commandhandling.CommandHandler;
import org.springframework.stereotype.Component;

import java.time.Duration;

/** Releases the storage of uploads that ended without a file, when the cleanup saga asks. */
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
