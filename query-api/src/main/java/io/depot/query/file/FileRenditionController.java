package io.depot.query.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.FileDownloadedEvent;
import io.depot.file.FileRenditions;
import io.depot.file.FindRenditionQuery;
import io.depot.file.ListRenditionsQuery;
import io.depot.file.RenditionView;
import io.depot.file.Visibility;
import io.depot.platform.axon.Dispatch;
import io.depot.platform.storage.DownloadTarget;
import io.depot.platform.storage.DownloadUrls;
import io.depot.platform.storage.StorageProperties;
import io.depot.platform.storage.UrlConditions;
import io.depot.platform.trail.DownloadTrail;
import io.depot.platform.web.ClientAddress;
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

/**
 * A file's renditions (resized images of its available versions, transforms its owner asked for, a video's poster and
 * web copy), for whoever may read the file, with the status of those not made yet, and download URLs for the made
 * ones, recorded as downloads of the version they were made from.
 */
@RestController
class FileRenditionController {

    private final QueryGateway queries;
    private final ReadableFiles files;
    private final DownloadTrail downloads;
    private final DownloadUrls downloadUrls;
    private final ClientAddress clientAddress;
    private final Duration maxExpiry;
    private final Clock clock;

    FileRenditionController(QueryGateway queries, ReadableFiles files, DownloadTrail downloads,
                            DownloadUrls downloadUrls, ClientAddress clientAddress,
                            StorageProperties storageProperties, Clock clock) {
        this.queries = queries;
        this.files = files;
        this.downloads = downloads;
        this.downloadUrls = downloadUrls;
        this.clientAddress = clientAddress;
        this.maxExpiry = storageProperties.maxDownloadUrlExpiry();
        this.clock = clock;
    }

    @GetMapping("/v1/files/{fileId}/renditions")
    Mono<RenditionsResponse> renditions(@AuthenticationPrincipal Jwt user, @PathVariable String fileId) {
        return files.readable(fileId, user.getSubject())
                .then(Dispatch.query(queries, new ListRenditionsQuery(fileId),
                        ResponseTypes.instanceOf(FileRenditions.class)))
                .map(RenditionsResponse::of);
    }

    /**
     * One rendition, made or not: how a client polls a transform it asked for. Of the newest version that has one
     * by that name, or of {@code version}; 404 when there is none.
     */
    @GetMapping("/v1/files/{fileId}/renditions/{name}")
    Mono<RenditionResponse> rendition(@AuthenticationPrincipal Jwt user, @PathVariable String fileId,
                                      @PathVariable String name, @RequestParam(required = false) Long version) {
        return files.readable(fileId, user.getSubject())
                .then(find(new FindRenditionQuery(fileId, name, version, true)))
                .map(RenditionResponse::of);
    }

    private Mono<RenditionView> find(FindRenditionQuery query) {
        return Dispatch.query(queries, query, ResponseTypes.optionalInstanceOf(RenditionView.class))
                .flatMap(Mono::justOrEmpty)
                .switchIfEmpty(Mono.error(() -> new DepotException(ErrorCode.NOT_FOUND, "file " + query.fileId()
                        + " has no " + (query.unfinished() ? "" : "made ") + "rendition " + query.name()
                        + (query.version() == null ? "" : " of version " + query.version()))));
    }

    /**
     * A download URL for the rendition called {@code name} of the newest version that has one, or of {@code version};
     * recorded as a FileDownloaded event of that version, like any download.
     */
    @GetMapping("/v1/files/{fileId}/renditions/{name}/download")
    Mono<DownloadResponse> download(@AuthenticationPrincipal Jwt user, @PathVariable String fileId,
                                    @PathVariable String name,
                                    @RequestParam(required = false) Long version,
                                    @Parameter(description = "seconds the URL is valid, capped by configuration", schema = @Schema(
                                            type = "integer", format = "int64", defaultValue = "300", minimum = "1"))
                                    @RequestParam(required = false) String expiry,
                                    ServerWebExchange exchange) {
        Duration validity = DownloadExpiry.of(expiry, maxExpiry);
        String userId = user.getSubject();
        String client = clientAddress.of(exchange.getRequest());
        return files.readable(fileId, userId).flatMap(file -> find(new FindRenditionQuery(fileId, name, version))
                .flatMap(r -> {
                    var url = downloadUrls.url(new DownloadTarget(r.objectKey(), filename(file.filename(), r.name()),
                            r.contentType(), file.visibility() == Visibility.PUBLIC), validity, UrlConditions.NONE);
                    return downloads.record(new FileDownloadedEvent(fileId, r.version(), userId, client,
                                    clock.instant()))
                            .thenReturn(new DownloadResponse(url.url(), url.expiresAt(), r.version(), r.size()));
                }));
    }

    /** {@code photo.jpg} and {@code 128.png} make {@code photo-128.png}. */
    static String filename(String original, String name) {
        int dot = original.lastIndexOf('.');
        String stem = dot > 0 ? original.substring(0, dot) : original;
        return stem + "-" + name;
    }

    record RenditionsResponse(List<RenditionResponse> items, List<FailureResponse> failures) {
        static RenditionsResponse of(FileRenditions renditions) {
            return new RenditionsResponse(renditions.items().stream().map(RenditionResponse::of).toList(),
                    renditions.failures().stream()
                            .map(f -> new FailureResponse(f.version(), f.name(), f.reason(), f.at()))
                            .toList());
        }
    }

    /**
     * One rendition; {@code name} is what its download path takes. {@code status} is {@code available} once made
     * (with its type, dimensions and size), else {@code pending}, {@code processing} or {@code failed} (with
     * {@code reason}).
     */
    record RenditionResponse(long version, String name, String status, String contentType, Integer width,
                             Integer height, Long size, Instant createdAt, String reason, Instant requestedAt) {
        static RenditionResponse of(RenditionView r) {
            return new RenditionResponse(r.version(), r.name(), r.status().word(), r.contentType(), r.width(),
                    r.height(), r.size(), r.createdAt(), r.failure(), r.requestedAt());
        }
    }

    /** A rendition that could not be made, and why: {@code name} null for the version's standard renditions. */
    record FailureResponse(long version, String name, String reason, Instant at) {
    }
}
