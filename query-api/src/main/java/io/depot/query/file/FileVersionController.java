package io.depot.query.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.FileDownloadedEvent;
import io.depot.file.FileStatus;
import io.depot.file.FileVersionPage;
import io.depot.file.FileVersionView;
import io.depot.file.FindFileVersionQuery;
import io.depot.file.ListFileSharesQuery;
import io.depot.file.ListFileVersionsQuery;
import io.depot.file.ShareView;
import io.depot.file.VersionRetrieval;
import io.depot.platform.axon.Dispatch;
import io.depot.platform.trail.DownloadTrail;
import io.depot.file.Visibility;
import io.depot.platform.storage.DownloadTarget;
import io.depot.platform.storage.DownloadUrls;
import io.depot.platform.storage.UrlConditions;
import io.depot.platform.storage.StorageProperties;
import io.depot.platform.web.ClientAddress;
import io.depot.platform.web.Paging;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A file's versions, each readable and downloadable while available, and its share links for the owner. Whoever may
 * read a file may read its versions; a failed or infected version is listed with its reason and never served.
 */
@RestController
class FileVersionController {

    static final int MAX_PAGE_SIZE = 100;

    private final QueryGateway queries;
    private final ReadableFiles files;
    private final DownloadTrail downloads;
    private final DownloadUrls downloadUrls;
    private final ClientAddress clientAddress;
    private final Duration maxExpiry;
    private final Clock clock;

    FileVersionController(QueryGateway queries, ReadableFiles files, DownloadTrail downloads, DownloadUrls downloadUrls,
                          ClientAddress clientAddress, StorageProperties storageProperties, Clock clock) {
        this.queries = queries;
        this.files = files;
        this.downloads = downloads;
        this.downloadUrls = downloadUrls;
        this.clientAddress = clientAddress;
        this.maxExpiry = storageProperties.maxDownloadUrlExpiry();
        this.clock = clock;
    }

    @GetMapping("/v1/files/{fileId}/versions")
    Mono<VersionPageResponse> versions(@AuthenticationPrincipal Jwt user, @PathVariable String fileId,
                                       @RequestParam(defaultValue = "0") int page,
                                       @RequestParam(defaultValue = "20") int size) {
        Paging.check(page, size, MAX_PAGE_SIZE);
        return files.readable(fileId, user.getSubject())
                .then(Dispatch.query(queries, new ListFileVersionsQuery(fileId, page, size),
                        ResponseTypes.instanceOf(FileVersionPage.class)))
                .map(p -> new VersionPageResponse(p.items().stream().map(v -> VersionResponse.of(v, clock.instant())).toList(), p.page(),
                        p.size(), p.nextPage()));
    }

    @GetMapping("/v1/files/{fileId}/versions/{version}")
    Mono<VersionResponse> version(@AuthenticationPrincipal Jwt user, @PathVariable String fileId,
                                  @PathVariable long version) {
        return files.readable(fileId, user.getSubject()).then(find(fileId, version))
                .map(v -> VersionResponse.of(v, clock.instant()));
    }

    /**
     * A download URL for one available version, as {@code GET /v1/files/{id}/download} gives for the newest, recorded as
     * a FileDownloaded event like any download.
     */
    @GetMapping("/v1/files/{fileId}/versions/{version}/download")
    Mono<DownloadResponse> download(@AuthenticationPrincipal Jwt user, @PathVariable String fileId,
                                    @PathVariable long version, @Parameter(description = "seconds the URL is valid, capped by configuration", schema = @Schema(
                                            type = "integer", format = "int64", defaultValue = "300", minimum = "1"))
                                    @RequestParam(required = false) String expiry,
                                    @RequestParam(name = "ip_range", required = false) String ipRange,
                                    @RequestParam(name = "not_before", required = false) String notBefore,
                                    ServerWebExchange exchange) {
        Duration validity = DownloadExpiry.of(expiry, maxExpiry);
        UrlConditions conditions = UrlConditions.parse(ipRange, notBefore);
        String userId = user == null ? null : user.getSubject();
        String client = clientAddress.of(exchange.getRequest());
        return files.readable(fileId, userId).flatMap(file -> find(fileId, version).flatMap(v -> {
            if (v.status() == FileStatus.INFECTED) {
                throw new DepotException(ErrorCode.FILE_INFECTED, "version " + version + " of file " + fileId
                        + " contains malware (" + v.scanSignature() + ") and cannot be downloaded");
            }
            if (v.status() != FileStatus.AVAILABLE) {
                throw new DepotException(ErrorCode.VERSION_NOT_AVAILABLE, "version " + version + " of file " + fileId
                        + " is " + v.status().name().toLowerCase(Locale.ROOT)
                        + (v.failureReason() != null ? ": " + v.failureReason() : ""));
            }
            Instant now = clock.instant();
            VersionRetrieval.requireReadable(fileId, version, v.storageClass(), v.retrievedUntil(), now);
            var url = downloadUrls.url(new DownloadTarget(v.objectKey(), file.filename(), v.contentType(),
                    file.visibility() == Visibility.PUBLIC), validity, conditions);
            return downloads.record(new FileDownloadedEvent(fileId, version, userId, client, now))
                    .thenReturn(new DownloadResponse(url.url(), url.expiresAt(), version, v.size()));
        }));
    }

    /** The file's share links, for its owner: never their tokens. */
    @GetMapping("/v1/files/{fileId}/shares")
    Mono<SharesResponse> shares(@AuthenticationPrincipal Jwt user, @PathVariable String fileId) {
        Instant now = clock.instant();
        return files.owned(fileId, user.getSubject())
                .then(Dispatch.query(queries, new ListFileSharesQuery(fileId),
                        ResponseTypes.multipleInstancesOf(ShareView.class)))
                .map(shares -> new SharesResponse(shares.stream().map(s -> ShareResponse.of(s, now)).toList()));
    }

    private Mono<FileVersionView> find(String fileId, long version) {
        return Dispatch.query(queries, new FindFileVersionQuery(fileId, version),
                        ResponseTypes.optionalInstanceOf(FileVersionView.class))
                .flatMap(Mono::justOrEmpty)
                .switchIfEmpty(Mono.error(() -> new DepotException(ErrorCode.VERSION_NOT_FOUND,
                        "file " + fileId + " has no version " + version)));
    }

    /**
     * One version; {@code status} and {@code scan} as on the file; {@code pinned} when its owner chose its storage
     * class (lifecycle rules leave it alone); {@code retrieval} as on the file.
     */
    record VersionResponse(long version, long size, String sha256, String contentType, String storageClass,
                           String status, String failureReason, String scan, String scanSignature, Instant createdAt,
                           String uploadedBy, Long restoredFrom, boolean pinned, RetrievalResponse retrieval) {
        static VersionResponse of(FileVersionView v, Instant now) {
            return new VersionResponse(v.version(), v.size(), v.sha256(), v.contentType(), v.storageClass().name(),
                    v.status().name().toLowerCase(Locale.ROOT), v.failureReason(),
                    v.scan() == null ? null : v.scan().name().toLowerCase(Locale.ROOT), v.scanSignature(),
                    v.createdAt(), v.uploadedBy(), v.restoredFrom(), v.pinned(),
                    RetrievalResponse.of(v.storageClass(), v.retrieval(), now));
        }
    }

    record VersionPageResponse(List<VersionResponse> items, int page, int size, Integer nextPage) {
    }

    record SharesResponse(List<ShareResponse> items) {
    }

    /** A share link: {@code status} is {@code active}, {@code expired}, {@code revoked}, {@code exhausted} or {@code file_deleted}. */
    record ShareResponse(String shareId, String status, Instant createdAt, Instant expiresAt, Integer maxDownloads,
                         int downloads, Long version, Instant revokedAt) {
        static ShareResponse of(ShareView s, Instant now) {
            String status = s.fileDeleted() ? "file_deleted" : s.revokedAt() != null ? "revoked"
                    : !now.isBefore(s.expiresAt()) ? "expired"
                    : s.maxDownloads() != null && s.downloads() >= s.maxDownloads() ? "exhausted" : "active";
            return new ShareResponse(s.shareId(), status, s.createdAt(), s.expiresAt(), s.maxDownloads(),
                    s.downloads(), s.version(), s.revokedAt());
        }
    }
}
