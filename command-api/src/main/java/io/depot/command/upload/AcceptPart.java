package io.depot.command.upload;

import io.depot.platform.storage.ObjectStorage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Accepts a part's bytes: streams them through to storage as they arrive, never holding the part, then records
 * the part. Any protocol that receives an upload's bytes (Depot's own part PUT, tus) hands them here. The bytes of
 * each part storage took are counted ({@code depot_uploads_streamed_bytes_total}); parts put to presigned URLs never
 * pass through the service and are not.
 */
@Component
class AcceptPart {

    private final ObjectStorage storage;
    private final UploadSessions sessions;
    private final RecordStoredPart parts;
    private final Counter streamed;

    AcceptPart(ObjectStorage storage, UploadSessions sessions, RecordStoredPart parts, MeterRegistry meters) {
        this.storage = storage;
        this.sessions = sessions;
        this.parts = parts;
        this.streamed = streamedBytes(meters);
    }

    /** The count of upload bytes streamed through the service to storage, by any protocol. */
    static Counter streamedBytes(MeterRegistry meters) {
        return Counter.builder("depot.uploads.streamed").baseUnit("bytes")
                .description("Bytes of upload parts streamed through the service to storage")
                .register(meters);
    }

    /** Part {@code partNumber} of the upload, declared {@code contentLength} bytes long, as {@code body}. */
    Mono<PartResponse> accept(String uploadId, String requesterId, int partNumber, long contentLength,
                              Flux<DataBuffer> body) {
        return sessions.find(uploadId, requesterId).flatMap(view -> {
            view.requireInProgress();
            long length = view.plan().requireContentLength(partNumber, contentLength);
            return storage.uploadPart(view.objectKey(), view.storageUploadId(), partNumber, length, body)
                    .doOnNext(etag -> streamed.increment(length))
                    .flatMap(etag -> parts.record(view, partNumber, etag, length));
        });
    }
}
