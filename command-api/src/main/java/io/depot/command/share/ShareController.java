package io.depot.command.share;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.DescribeShareCommand;
import io.depot.file.DownloadSharedFileCommand;
import io.depot.file.FileDownloadedEvent;
import io.depot.file.RevokeShareCommand;
import io.depot.file.ShareFileCommand;
import io.depot.file.ShareTokens;
import io.depot.file.SharedFile;
import io.depot.platform.axon.Dispatch;
import io.depot.platform.storage.DownloadTarget;
import io.depot.platform.storage.DownloadUrls;
import io.depot.platform.storage.UrlConditions;
import io.depot.platform.storage.StorageProperties;
import io.depot.platform.trail.DownloadTrail;
import io.depot.platform.web.ClientAddress;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Share links: the owner makes and revokes them; anyone holding a link's token reads what it shares and downloads it,
 * without an account. Every check (token, expiry, revocation, downloads left, the file and version still there) is the
 * file's own, so a link works the same on every instance, and each download through it is a FileDownloaded event
 * naming it, in the same download trail as every other download.
 */
@RestController
class ShareController {

    /** The longest a share link may live: 30 days. */
    static final long MAX_EXPIRES_IN = Duration.ofDays(30).toSeconds();

    private final CommandGateway commands;
    private final DownloadUrls downloadUrls;
    private final DownloadTrail downloads;
    private final ClientAddress clientAddress;
    private final Duration maxUrlExpiry;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    ShareController(CommandGateway commands, DownloadUrls downloadUrls, DownloadTrail downloads,
                    ClientAddress clientAddress, StorageProperties storageProperties, Clock clock) {
        this.commands = commands;
        this.downloadUrls = downloadUrls;
        this.downloads = downloads;
        this.clientAddress = clientAddress;
        this.maxUrlExpiry = storageProperties.maxDownloadUrlExpiry();
        this.clock = clock;
    }

    @PostMapping("/v1/files/{fileId}/shares")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<ShareResponse> share(@AuthenticationPrincipal Jwt user, @PathVariable String fileId,
                              @Valid @RequestBody ShareRequest request, ServerWebExchange exchange) {
        String shareId = UUID.randomUUID().toString();
        byte[] secret = new byte[ShareTokens.SECRET_BYTES];
        random.nextBytes(secret);
        String token;
        try {
            token = ShareTokens.token(fileId, shareId, secret);
        } catch (IllegalArgumentException notAFileId) {
            throw new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId);
        }
        Instant now = clock.instant();
        Instant expiresAt = now.plusSeconds(request.expiresIn());
        return Dispatch.command(commands, new ShareFileCommand(fileId, user.getSubject(), shareId,
                        ShareTokens.hash(secret), expiresAt, request.maxDownloads(), request.version(), now))
                .onErrorMap(AggregateNotFoundException.class,
                        e -> new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId))
                .thenReturn(new ShareResponse(shareId, base(exchange.getRequest()) + "/v1/shares/" + token, token,
                        expiresAt, request.maxDownloads(), request.version()));
    }

    @DeleteMapping("/v1/files/{fileId}/shares/{shareId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> revoke(@AuthenticationPrincipal Jwt user, @PathVariable String fileId, @PathVariable String shareId) {
        return Dispatch.command(commands, new RevokeShareCommand(fileId, user.getSubject(), shareId, clock.instant()))
                .onErrorMap(AggregateNotFoundException.class,
                        e -> new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId))
                .then();
    }

    /** What a link's holder may see of the file; needs no account. */
    @GetMapping("/v1/shares/{token}")
    Mono<SharedFileResponse> describe(@PathVariable String token) {
        var presented = presented(token);
        return Dispatch.<SharedFile>command(commands, new DescribeShareCommand(presented.fileId(), presented.shareId(),
                        presented.tokenHash(), clock.instant()))
                .onErrorMap(AggregateNotFoundException.class, ShareController::noShare)
                .map(SharedFileResponse::of);
    }

    /**
     * A download URL for the shared version, counted against the link's downloads; needs no account. The download is
     * recorded once the file has counted it and before the URL leaves: should recording fail, the link has lost a use
     * and the holder gets a 503 instead of an unrecorded URL.
     */
    @GetMapping("/v1/shares/{token}/download")
    Mono<ShareDownloadResponse> download(@PathVariable String token, @RequestParam(defaultValue = "300") long expiry,
                                         ServerWebExchange exchange) {
        if (expiry < 1) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "expiry must be at least 1 second");
        }
        var presented = presented(token);
        Instant now = clock.instant();
        String client = clientAddress.of(exchange.getRequest());
        return Dispatch.<SharedFile>command(commands, new DownloadSharedFileCommand(presented.fileId(),
                        presented.shareId(), presented.tokenHash(), now))
                .onErrorMap(AggregateNotFoundException.class, ShareController::noShare)
                .flatMap(shared -> downloads.record(new FileDownloadedEvent(shared.fileId(), shared.version(), null,
                        client, now, shared.shareId())).thenReturn(shared))
                .map(shared -> {
                    // A URL never outlives its link by more than a second.
                    long seconds = Math.max(1, Math.min(Math.min(expiry, maxUrlExpiry.toSeconds()),
                            Duration.between(now, shared.expiresAt()).toSeconds()));
                    var url = downloadUrls.url(new DownloadTarget(shared.objectKey(), shared.filename(),
                            shared.contentType(), false), Duration.ofSeconds(seconds), UrlConditions.NONE);
                    return new ShareDownloadResponse(url.url(), url.expiresAt(), shared.version(), shared.size(),
                            shared.downloadsLeft());
                });
    }

    private static ShareTokens.Presented presented(String token) {
        return ShareTokens.parse(token).orElseThrow(() -> noShare(null));
    }

    private static DepotException noShare(Throwable cause) {
        return new DepotException(ErrorCode.SHARE_NOT_FOUND, "no such share link");
    }

    private static String base(ServerHttpRequest request) {
        var uri = request.getURI();
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /**
     * Body of {@code POST /v1/files/{id}/shares}.
     *
     * @param expiresIn    seconds the link works, up to 30 days
     * @param maxDownloads downloads it gives, or none for any number
     * @param version      the version it serves, or none for the newest available one at each download
     */
    record ShareRequest(@NotNull @Min(1) @Max(2_592_000) Long expiresIn,
                        @Min(1) @Max(1_000_000) Integer maxDownloads,
                        @Min(1) Long version) {
    }

    /** A new link: {@code url} is what to hand out; {@code token} is its last path segment. Shown once. */
    record ShareResponse(String shareId, String url, String token, Instant expiresAt, Integer maxDownloads,
                         Long version) {
    }

    /** What a link's holder sees. */
    record SharedFileResponse(String filename, String contentType, long size, String sha256, long version,
                              Instant expiresAt, Integer downloadsLeft) {
        static SharedFileResponse of(SharedFile f) {
            return new SharedFileResponse(f.filename(), f.contentType(), f.size(), f.sha256(), f.version(),
                    f.expiresAt(), f.downloadsLeft());
        }
    }

    /** A presigned URL for the shared version, and the downloads the link has left (null when unlimited). */
    record ShareDownloadResponse(String url, Instant expiresAt, long version, long size, Integer downloadsLeft) {
    }
}
