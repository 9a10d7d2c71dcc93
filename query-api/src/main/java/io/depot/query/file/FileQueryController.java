package io.depot.query.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.FileDownloadedEvent;
import io.depot.file.FilePage;
import io.depot.file.FileStatus;
import io.depot.file.FileView;
import io.depot.file.Tags;
import io.depot.file.ListUserFilesQuery;
import io.depot.file.VersionRetrieval;
import io.depot.platform.axon.Dispatch;
import io.depot.platform.trail.DownloadTrail;
import io.depot.platform.processing.ScanProperties;
import io.depot.platform.web.Paging;
import io.depot.platform.storage.DownloadTarget;
import io.depot.platform.storage.DownloadUrls;
import io.depot.platform.storage.StorageProperties;
import io.depot.platform.storage.UrlConditions;
import io.depot.platform.web.ClientAddress;
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

/** Reading files: metadata, listings and download URLs. A private file exists only for its owner. */
@RestController
class FileQueryController {

    static final int MAX_PAGE_SIZE = 100;

    private final QueryGateway queries;
    private final DownloadTrail downloads;
    private final ReadableFiles files;
    private final DownloadUrls downloadUrls;
    private final Duration maxExpiry;
    private final Clock clock;
    private final ClientAddress clientAddress;

    private final boolean scanEnabled;

    FileQueryController(QueryGateway queries, DownloadTrail downloads, ReadableFiles files, DownloadUrls downloadUrls,
                        StorageProperties storageProperties, Clock clock, ClientAddress clientAddress,
                        ScanProperties scan) {
        this.scanEnabled = scan.enabled();
        this.clientAddress = clientAddress;
        this.queries = queries;
        this.downloads = downloads;
        this.files = files;
        this.downloadUrls = downloadUrls;
        this.maxExpiry = storageProperties.maxDownloadUrlExpiry();
        this.clock = clock;
    }

    @GetMapping("/v1/files/{fileId}")
    Mono<FileResponse> file(@AuthenticationPrincipal Jwt user, @PathVariable String fileId) {
        return readable(fileId, user.getSubject()).map(f -> FileResponse.of(f, scanEnabled, clock.instant()));
    }

    @GetMapping("/v1/users/{userId}/files")
    Mono<FilePageResponse> list(@AuthenticationPrincipal Jwt user, @PathVariable String userId,
                                @RequestParam(defaultValue = "0") int page,
                                @RequestParam(defaultValue = "20") int size,
                                @RequestParam(required = false) String tag) {
        Paging.check(page, size, MAX_PAGE_SIZE);
        boolean publicOnly = !userId.equals(user.getSubject());
        String filter = tag == null ? null : Tags.normalizeOne(tag);
        return Dispatch.query(queries, new ListUserFilesQuery(userId, publicOnly, page, size, filter),
                        ResponseTypes.instanceOf(FilePage.class))
                .map(p -> new FilePageResponse(p.items().stream().map(f -> FileResponse.of(f, scanEnabled, clock.instant())).toList(), p.page(), p.size(),
                        p.nextPage()));
    }

    /**
     * A download URL ({@link DownloadUrls}: through the CDN when one is configured, else a presigned GET) for the newest
     * downloadable version, valid for {@code expiry} seconds (capped by configuration); with a CDN it may be limited
     * to the addresses in {@code ip_range} and to requests from {@code not_before} on.
     * Every URL given out is recorded as a FileDownloaded event with who, when and from where. A public file's URL is
     * given without a token too; a private one's only to its owner.
     */
    @GetMapping("/v1/files/{fileId}/download")
    Mono<DownloadResponse> download(@AuthenticationPrincipal Jwt user, @PathVariable String fileId,
                                    @RequestParam(defaultValue = "300") long expiry,
                                    @RequestParam(name = "ip_range", required = false) String ipRange,
                                    @RequestParam(name = "not_before", required = false) String notBefore,
                                    ServerWebExchange exchange) {
        if (expiry < 1) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "expiry must be at least 1 second");
        }
        UrlConditions conditions = UrlConditions.parse(ipRange, notBefore);
        Duration validity = Duration.ofSeconds(Math.min(expiry, maxExpiry.toSeconds()));
        String client = clientAddress.of(exchange.getRequest());
        String userId = user == null ? null : user.getSubject();
        return readable(fileId, userId).flatMap(file -> {
            var target = file.downloadable();
            if (target == null && file.status() == FileStatus.INFECTED) {
                throw new DepotException(ErrorCode.FILE_INFECTED, "file " + fileId + " version " + file.version()
                        + " contains malware (" + file.scanSignature() + ") and cannot be downloaded");
            }
            if (target == null) {
                throw new DepotException(ErrorCode.FILE_NOT_READY, "file " + fileId + " is "
                        + file.status().name().toLowerCase(java.util.Locale.ROOT)
                        + (file.failureReason() != null ? ": " + file.failureReason() : "; retry shortly"));
            }
            Instant now = clock.instant();
            VersionRetrieval.requireReadable(fileId, target.version(), target.storageClass(), target.retrievedUntil(), now);
            var url = downloadUrls.url(new DownloadTarget(target.objectKey(), target.filename(), target.contentType(),
                    file.visibility() == io.depot.file.Visibility.PUBLIC), validity, conditions);
            var event = new FileDownloadedEvent(file.fileId(), target.version(), userId, client, now);
            return downloads.record(event)
                    .thenReturn(new DownloadResponse(url.url(), url.expiresAt(), target.version(), target.size()));
        });
    }

    private Mono<FileView> readable(String fileId, String userId) {
        return files.readable(fileId, userId);
    }
}
