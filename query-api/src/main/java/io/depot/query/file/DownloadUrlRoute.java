package io.depot.query.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.FileDownloadedEvent;
import io.depot.file.FileStatus;
import io.depot.file.VersionRetrieval;
import io.depot.file.Visibility;
import io.depot.platform.storage.DownloadTarget;
import io.depot.platform.storage.DownloadUrls;
import io.depot.platform.storage.StorageProperties;
import io.depot.platform.storage.UrlConditions;
import io.depot.platform.trail.DownloadTrail;
import io.depot.platform.web.ClientAddress;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springdoc.core.annotations.RouterOperation;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * A download URL ({@link DownloadUrls}: through the CDN when one is configured, else a presigned GET) for the newest
 * downloadable version, valid for {@code expiry} seconds (capped by configuration); with a CDN it may be limited to
 * the addresses in {@code ip_range} and to requests from {@code not_before} on. Every URL given out is recorded as a
 * FileDownloaded event with who, when and from where. A public file's URL is given without a token too; a private
 * one's only to its owner, and to anyone else it does not exist.
 *
 * <p>The one call a service answers most, so it is a functional route, matched before the annotated controllers and
 * handled without their argument resolution: benchmark d found matching against every annotated route, resolving the
 * arguments and invoking the method by reflection to be some 14% of the CPU a download URL cost. It goes through the
 * same filters (token, rate limits, CORS, headers) and the same problem responses as every other call.
 */
@Configuration(proxyBeanMethods = false)
class DownloadUrlRoute {

    static final String PATH = "/v1/files/{fileId}/download";

    private final ReadableFiles files;
    private final DownloadTrail downloads;
    private final DownloadUrls downloadUrls;
    private final Duration maxExpiry;
    private final Clock clock;
    private final ClientAddress clientAddress;

    DownloadUrlRoute(ReadableFiles files, DownloadTrail downloads, DownloadUrls downloadUrls,
                     StorageProperties storageProperties, Clock clock, ClientAddress clientAddress) {
        this.files = files;
        this.downloads = downloads;
        this.downloadUrls = downloadUrls;
        this.maxExpiry = storageProperties.maxDownloadUrlExpiry();
        this.clock = clock;
        this.clientAddress = clientAddress;
    }

    @Bean
    @RouterOperation(path = PATH, method = RequestMethod.GET, operation = @Operation(operationId = "download",
            summary = "A download URL for the newest downloadable version, recorded as a download",
            parameters = {
                    @Parameter(name = "fileId", in = ParameterIn.PATH, required = true, schema = @Schema(type = "string")),
                    @Parameter(name = "expiry", in = ParameterIn.QUERY, description = "seconds the URL is valid, capped by configuration",
                            schema = @Schema(type = "integer", format = "int64", defaultValue = "300", minimum = "1")),
                    @Parameter(name = "ip_range", in = ParameterIn.QUERY, description = "CDN only: the addresses (CIDR) the URL works from",
                            schema = @Schema(type = "string")),
                    @Parameter(name = "not_before", in = ParameterIn.QUERY, description = "CDN only: the instant the URL starts to work",
                            schema = @Schema(type = "string", format = "date-time"))},
            responses = @ApiResponse(responseCode = "200", description = "OK",
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = DownloadResponse.class)))))
    RouterFunction<ServerResponse> downloadUrlRoutes() {
        return RouterFunctions.route(RequestPredicates.GET(PATH), this::download);
    }

    Mono<ServerResponse> download(ServerRequest request) {
        return Mono.defer(() -> answer(request));
    }

    private Mono<ServerResponse> answer(ServerRequest request) {
        String fileId = request.pathVariable("fileId");
        UrlConditions conditions = UrlConditions.parse(request.queryParam("ip_range").orElse(null),
                request.queryParam("not_before").orElse(null));
        Duration validity = DownloadExpiry.of(request.queryParam("expiry").orElse(null), maxExpiry);
        String client = clientAddress.of(request.exchange().getRequest());
        return request.exchange().getPrincipal()
                .map(DownloadUrlRoute::subject)
                .defaultIfEmpty(Optional.empty())
                .flatMap(user -> url(fileId, user.orElse(null), client, validity, conditions))
                .flatMap(body -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body));
    }

    private Mono<DownloadResponse> url(String fileId, String userId, String client, Duration validity,
                                       UrlConditions conditions) {
        return files.readable(fileId, userId).flatMap(file -> {
            var target = file.downloadable();
            if (target == null && file.status() == FileStatus.INFECTED) {
                throw new DepotException(ErrorCode.FILE_INFECTED, "file " + fileId + " version " + file.version()
                        + " contains malware (" + file.scanSignature() + ") and cannot be downloaded");
            }
            if (target == null) {
                throw new DepotException(ErrorCode.FILE_NOT_READY, "file " + fileId + " is "
                        + file.status().name().toLowerCase(Locale.ROOT)
                        + (file.failureReason() != null ? ": " + file.failureReason() : "; retry shortly"));
            }
            Instant now = clock.instant();
            VersionRetrieval.requireReadable(fileId, target.version(), target.storageClass(), target.retrievedUntil(), now);
            var url = downloadUrls.url(new DownloadTarget(target.objectKey(), target.filename(), target.contentType(),
                    file.visibility() == Visibility.PUBLIC), validity, conditions);
            var event = new FileDownloadedEvent(file.fileId(), target.version(), userId, client, now);
            return downloads.record(event)
                    .thenReturn(new DownloadResponse(url.url(), url.expiresAt(), target.version(), target.size()));
        });
    }

    /** The caller's user id: the subject of a verified token; none for a call without one. */
    private static Optional<String> subject(Principal principal) {
        return principal instanceof JwtAuthenticationToken token ? Optional.of(token.getToken().getSubject())
                : Optional.empty();
    }
}
