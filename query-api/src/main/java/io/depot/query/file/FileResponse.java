package io.depot.query.file;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.depot.file.FileView;
import io.depot.file.ScanStatus;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A file's metadata as clients see it. {@code scan} is the newest version's scan verdict: {@code pending},
 * {@code clean}, {@code infected} (with {@code scan_signature}), {@code skipped} or {@code not_configured}.
 * {@code retrieval}: for a newest version in an archive class, where the retrieval of its object stands.
 */
record FileResponse(
        String fileId,
        String ownerId,
        String filename,
        String contentType,
        long size,
        String sha256,
        String storageClass,
        long version,
        String uploadStatus,
        String failureReason,
        Long downloadableVersion,
        @JsonProperty("public") boolean publicFile,
        Instant createdAt,
        Instant updatedAt,
        List<String> tags,
        String scan,
        String scanSignature,
        RetrievalResponse retrieval) {

    /** {@code scanEnabled}: whether a scanner is configured, which says what a version without a verdict awaits. */
    static FileResponse of(FileView view, boolean scanEnabled, Instant now) {
        ScanStatus scan = view.scan() != null ? view.scan() : scanEnabled ? ScanStatus.PENDING : ScanStatus.NOT_CONFIGURED;
        return new FileResponse(view.fileId(), view.ownerId(), view.filename(), view.contentType(), view.size(),
                view.sha256(), view.storageClass().name(), view.version(),
                view.status().name().toLowerCase(Locale.ROOT), view.failureReason(),
                view.downloadable() == null ? null : view.downloadable().version(),
                view.visibility() == io.depot.file.Visibility.PUBLIC,
                view.createdAt(), view.updatedAt(), view.tags(), scan.name().toLowerCase(Locale.ROOT),
                view.scanSignature(), RetrievalResponse.of(view.storageClass(), view.retrieval(), now));
    }
}
