package io.depot.command.upload;

import io.depot.platform.storage.PresignedUrl;
import io.depot.upload.UploadMode;
import io.depot.upload.UploadSessionView;
import io.depot.upload.UploadStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a client needs to pick an upload up again after a failure or a restart: its state, the parts done and
 * missing, fresh URLs for the missing ones; and the upload's progress as it changes.
 */
@Component
class ResumeUpload {

    /** A progress stream ends after this long; the client reconnects if its upload still runs. */
    private static final Duration PROGRESS_LIMIT = Duration.ofHours(1);

    private final UploadSessions sessions;
    private final PartUrls urls;

    ResumeUpload(UploadSessions sessions, PartUrls urls) {
        this.sessions = sessions;
        this.urls = urls;
    }

    Mono<UploadStateResponse> state(String uploadId, String requesterId) {
        return sessions.view(uploadId, requesterId).map(this::stateResponse);
    }

    /**
     * The upload's progress: a report now, then one whenever bytes or status change, from parts recorded by any
     * instance, until the upload completes or aborts.
     */
    Flux<UploadProgress> progress(String uploadId, String requesterId) {
        return sessions.follow(uploadId, requesterId)
                .map(UploadProgress::of)
                .distinctUntilChanged()
                .takeUntil(UploadProgress::finished)
                .take(PROGRESS_LIMIT);
    }

    private UploadStateResponse stateResponse(UploadSessionView view) {
        List<Integer> missing = view.missingParts();
        List<UploadStateResponse.MissingPartUrl> missingUrls = List.of();
        Instant urlsExpireAt = null;
        if (view.status() == UploadStatus.IN_PROGRESS) {
            missingUrls = new ArrayList<>(missing.size());
            for (int part : missing) {
                PresignedUrl url = urls.part(view.objectKey(), view.storageUploadId(), view.plan(), part);
                missingUrls.add(new UploadStateResponse.MissingPartUrl(part, url.url()));
                urlsExpireAt = url.expiresAt();
            }
        }
        List<PartResponse> parts = view.parts().stream()
                .map(p -> new PartResponse(p.partNumber(), p.etag(), p.size()))
                .toList();
        return new UploadStateResponse(view.uploadId(), view.fileId(), lower(view.status()),
                view.abortReason() == null ? null : lower(view.abortReason()), view.filename(), view.contentType(),
                view.plan().size(), view.plan().partSize(), view.plan().partCount(), view.bytesUploaded(), parts,
                missing, missingUrls, view.plan().mode() == UploadMode.SINGLE && !missingUrls.isEmpty() ? Map.of() : null,
                view.version(), view.initiatedAt(), view.expiresAt(), urlsExpireAt);
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
