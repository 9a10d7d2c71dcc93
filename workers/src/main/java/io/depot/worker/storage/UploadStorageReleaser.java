package io.depot.worker.storage;

import io.depot.platform.storage.ObjectStorage;
import io.depot.upload.UploadAbortedEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Releases the storage of an upload that ended without a file: its multipart upload is aborted, with the parts
 * stored so far. Aborting one that is gone succeeds, so a redelivered event is harmless. While storage fails, the
 * event is retried, then dead-lettered and retried with a growing pause until storage is back.
 */
@Component
@DisallowReplay
@ProcessingGroup(UploadStorageReleaser.GROUP)
class UploadStorageReleaser {

    static final String GROUP = "upload-storage-release";

    private final ObjectStorage storage;

    UploadStorageReleaser(ObjectStorage storage) {
        this.storage = storage;
    }

    @EventHandler
    void on(UploadAbortedEvent event) {
        storage.release(event.objectKey(), event.storageUploadId()).block(Duration.ofMinutes(1));
    }
}
