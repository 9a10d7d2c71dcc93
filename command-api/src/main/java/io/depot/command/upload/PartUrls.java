package io.depot.command.upload;

import io.depot.platform.storage.ObjectStorage;
import io.depot.platform.storage.PresignedUrl;
import io.depot.platform.storage.StorageProperties;
import io.depot.upload.UploadPlan;
import org.springframework.stereotype.Component;

import java.time.Duration;

/** Presigned URLs through which a client puts an upload's parts straight into storage. */
@Component
class PartUrls {

    private final ObjectStorage storage;
    private final Duration expiry;

    PartUrls(ObjectStorage storage, StorageProperties storageProperties) {
        this.storage = storage;
        this.expiry = storageProperties.uploadUrlExpiry();
    }

    /** A URL that accepts exactly part {@code partNumber} of the plan, at its planned length. */
    PresignedUrl part(String objectKey, String storageUploadId, UploadPlan plan, int partNumber) {
        return storage.presignPart(objectKey, storageUploadId, partNumber, plan.partLength(partNumber), expiry);
    }
}
