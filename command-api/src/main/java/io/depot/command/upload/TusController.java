package io.depot.command.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.idempotency.IdempotencyFilter;
import io.depot.platform.web.Problem;
import io.depot.upload.UploadSessionView;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.Map;

/**
 * The tus 1.0.0 resumable upload protocol (https://tus.io/protocols/resumable-upload) with the creation,
 * creation-with-upload, creation-defer-length, expiration, checksum, termination and concatenation extensions, on
 * Depot's upload sessions ({@link TusUploads}). Authentication is the same bearer token as the rest of the API;
 * refusals are problem responses with tus's statuses. {@link TusHeaders} checks {@code Tus-Resumable} and adds it
 * to every answer.
 */
@RestController
@RequestMapping("/v1/tus")
class TusController {

    private final TusUploads uploads;
    private final TusProperties properties;

    TusController(TusUploads uploads, TusProperties properties) {
        this.uploads = uploads;
        this.properties = properties;
    }

    /** Discovery: the version, extensions, largest upload and checksum algorithms this server has. */
    @RequestMapping(path = {"", "/"}, method = RequestMethod.OPTIONS)
    ResponseEntity<Void> options() {
        return ResponseEntity.noContent()
                .header(TusProtocol.TUS_VERSION, TusProtocol.VERSION)
                .header(TusProtocol.EXTENSIONS, TusProtocol.SUPPORTED_EXTENSIONS)
                .header(TusProtocol.MAX_SIZE, Long.toString(io.depot.upload.UploadPlan.MAX_OBJECT_SIZE))
                .header(TusProtocol.CHECKSUM_ALGORITHMS, String.join(",", TusProtocol.ALGORITHMS))
                .build();
    }

    /**
     * Creation: {@code Upload-Length} or {@code Upload-Defer-Length: 1}, {@code Upload-Metadata} with
     * {@code filename} and {@code filetype}, {@code Upload-Concat} for parallel uploads; a body of type
     * {@code application/offset+octet-stream} is written at once (creation-with-upload).
     */
    @PostMapping(path = {"", "/"})
    Mono<ResponseEntity<Object>> create(@AuthenticationPrincipal Jwt user,
                                      @RequestHeader(name = TusProtocol.LENGTH, required = false) String length,
                                      @RequestHeader(name = TusProtocol.DEFER_LENGTH, required = false) String defer,
                                      @RequestHeader(name = TusProtocol.METADATA, required = false) String metadata,
                                      @RequestHeader(name = TusProtocol.CONCAT, required = false) String concatHeader,
                                      @RequestHeader(name = TusProtocol.CHECKSUM, required = false) String checksum,
                                      @RequestHeader(name = HttpHeaders.CONTENT_LENGTH, required = false) Long contentLength,
                                      @RequestHeader(name = IdempotencyFilter.HEADER, required = false) String idempotencyKey,
                                      ServerWebExchange exchange) {
        TusProtocol.Concat concat = TusProtocol.concat(concatHeader);
        Long size = TusProtocol.number(TusProtocol.LENGTH, length);
        boolean deferred = defer != null;
        if (deferred && !"1".equals(defer.trim())) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "Upload-Defer-Length must be 1");
        }
        boolean finalUpload = concat != null && !concat.partial();
        if (!finalUpload && (size == null) == !deferred) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "send either Upload-Length or Upload-Defer-Length: 1");
        }
        boolean withUpload = isOffsetStream(exchange) && contentLength != null && contentLength > 0;
        if (finalUpload && withUpload) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "a final upload takes no body");
        }
        TusProtocol.Checksum sum = TusProtocol.checksum(checksum);
        String owner = user.getSubject();
        return uploads.create(owner, finalUpload ? null : size, metadata, concat, idempotencyKey)
                .flatMap(created -> !withUpload ? Mono.just(created)
                        : uploads.patch(created.uploadId(), owner, 0, null, exchange.getRequest().getBody(),
                        contentLength, sum))
                .map(view -> {
                    ResponseEntity.BodyBuilder created = ResponseEntity.status(HttpStatus.CREATED)
                            .location(java.net.URI.create("/v1/tus/" + view.uploadId()))
                            .header(TusProtocol.EXPIRES, TusProtocol.httpDate(view.expiresAt()));
                    if (withUpload || finalUpload) {
                        created.header(TusProtocol.OFFSET, Long.toString(view.write().offset()));
                    }
                    return created.build();
                })
                .onErrorResume(DepotException.class, TusController::checksumStatus);
    }

    @RequestMapping(path = "/{uploadId}", method = RequestMethod.HEAD)
    Mono<ResponseEntity<Void>> head(@AuthenticationPrincipal Jwt user, @PathVariable String uploadId) {
        return uploads.describe(uploadId, user.getSubject()).map(view -> {
            ResponseEntity.BodyBuilder answer = ResponseEntity.ok()
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .header(TusProtocol.OFFSET, Long.toString(view.write().offset()))
                    .header(TusProtocol.EXPIRES, TusProtocol.httpDate(view.expiresAt()));
            if (view.plan().lengthDeferred()) {
                answer.header(TusProtocol.DEFER_LENGTH, "1");
            } else {
                answer.header(TusProtocol.LENGTH, Long.toString(view.plan().size()));
            }
            if (view.tus().metadata() != null) {
                answer.header(TusProtocol.METADATA, view.tus().metadata());
            }
            if (view.tus().partial()) {
                answer.header(TusProtocol.CONCAT, "partial");
            } else if (view.tus().finalUpload()) {
                answer.header(TusProtocol.CONCAT, "final;" + String.join(" ", view.tus().partials().stream()
                        .map(id -> "/v1/tus/" + id).toList()));
            }
            return answer.<Void>build();
        });
    }

    /** Writes a chunk at {@code Upload-Offset}; {@code Upload-Length} declares a deferred length. */
    @PatchMapping("/{uploadId}")
    Mono<ResponseEntity<Object>> patch(@AuthenticationPrincipal Jwt user, @PathVariable String uploadId,
                                     @RequestHeader(name = TusProtocol.OFFSET, required = false) String offset,
                                     @RequestHeader(name = TusProtocol.LENGTH, required = false) String length,
                                     @RequestHeader(name = TusProtocol.CHECKSUM, required = false) String checksum,
                                     @RequestHeader(name = HttpHeaders.CONTENT_LENGTH, required = false) Long contentLength,
                                     ServerWebExchange exchange) {
        if (!isOffsetStream(exchange)) {
            throw new DepotException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "a PATCH body must be of type "
                    + TusProtocol.OFFSET_OCTET_STREAM);
        }
        Long at = TusProtocol.number(TusProtocol.OFFSET, offset);
        if (at == null) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "send Upload-Offset");
        }
        Long declared = TusProtocol.number(TusProtocol.LENGTH, length);
        TusProtocol.Checksum sum = TusProtocol.checksum(checksum);
        return uploads.patch(uploadId, user.getSubject(), at, declared, exchange.getRequest().getBody(), contentLength,
                        sum)
                .map(view -> ResponseEntity.noContent()
                        .header(TusProtocol.OFFSET, Long.toString(view.write().offset()))
                        .header(TusProtocol.EXPIRES, TusProtocol.httpDate(view.expiresAt()))
                        .build())
                .onErrorResume(DepotException.class, TusController::checksumStatus);
    }

    /** Termination: the upload ends and its storage is released. */
    @DeleteMapping("/{uploadId}")
    Mono<ResponseEntity<Void>> terminate(@AuthenticationPrincipal Jwt user, @PathVariable String uploadId) {
        return uploads.terminate(uploadId, user.getSubject()).thenReturn(ResponseEntity.noContent().build());
    }

    private static boolean isOffsetStream(ServerWebExchange exchange) {
        MediaType type = exchange.getRequest().getHeaders().getContentType();
        return type != null && TusProtocol.OFFSET_OCTET_STREAM.equalsIgnoreCase(type.getType() + "/" + type.getSubtype());
    }

    /** tus answers a chunk whose checksum does not match with 460, a status of its own; the rest go as they are. */
    private static Mono<ResponseEntity<Object>> checksumStatus(DepotException e) {
        if (e.code() != ErrorCode.CHUNK_CHECKSUM_MISMATCH) {
            return Mono.error(e);
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>(Problem.of(e.code(), e.getMessage()).body(null));
        body.put("status", TusProtocol.CHECKSUM_MISMATCH_STATUS);
        return Mono.just(ResponseEntity.status(TusProtocol.CHECKSUM_MISMATCH_STATUS)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body));
    }
}
