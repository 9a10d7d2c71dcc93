package io.depot.command.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.idempotency.IdempotencyFilter;
import io.depot.upload.UploadPlan;
import jakarta.validation.Valid;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URI;

/** Uploads: open a session, send or report parts, resume, complete or abort. */
@RestController
@RequestMapping("/v1/uploads")
class UploadController {

    private final InitiateUpload initiate;
    private final ResumeUpload resume;
    private final AcceptPart acceptPart;
    private final RecordStoredPart recordPart;
    private final CompleteUpload complete;
    private final AbortUpload abort;

    UploadController(InitiateUpload initiate, ResumeUpload resume, AcceptPart acceptPart, RecordStoredPart recordPart,
                     CompleteUpload complete, AbortUpload abort) {
        this.initiate = initiate;
        this.resume = resume;
        this.acceptPart = acceptPart;
        this.recordPart = recordPart;
        this.complete = complete;
        this.abort = abort;
    }

    @PostMapping(path = "/initiate", consumes = MediaType.APPLICATION_JSON_VALUE)
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "201", description = "the upload is open")
    Mono<ResponseEntity<InitiateUploadResponse>> initiate(@AuthenticationPrincipal Jwt user,
                                                          @Valid @RequestBody InitiateUploadRequest request,
                                                          @RequestHeader(name = IdempotencyFilter.HEADER, required = false)
                                                          String idempotencyKey) {
        return initiate.initiate(user.getSubject(), request, idempotencyKey)
                .map(response -> ResponseEntity.created(URI.create("/v1/uploads/" + response.uploadId()))
                        .body(response));
    }

    @GetMapping("/{uploadId}")
    Mono<UploadStateResponse> state(@AuthenticationPrincipal Jwt user, @PathVariable String uploadId) {
        return resume.state(uploadId, user.getSubject());
    }

    /** Server-sent events: {@code progress} reports until the upload completes or aborts. */
    @GetMapping(path = "/{uploadId}/progress", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<UploadProgress>> progress(@AuthenticationPrincipal Jwt user, @PathVariable String uploadId) {
        return resume.progress(uploadId, user.getSubject())
                .map(p -> ServerSentEvent.builder(p).event("progress").build());
    }

    @PutMapping("/{uploadId}/parts/{partNumber}")
    Mono<PartResponse> uploadPart(@AuthenticationPrincipal Jwt user, @PathVariable String uploadId,
                                  @PathVariable int partNumber,
                                  @RequestHeader(name = HttpHeaders.CONTENT_LENGTH, required = false) Long contentLength,
                                  ServerWebExchange exchange) {
        requirePartNumber(partNumber);
        if (contentLength == null) {
            throw new DepotException(ErrorCode.LENGTH_REQUIRED, "send the part with a Content-Length header");
        }
        // The raw body, whatever its declared type: parts are bytes, never decoded.
        return acceptPart.accept(uploadId, user.getSubject(), partNumber, contentLength,
                exchange.getRequest().getBody());
    }

    @PostMapping(path = "/{uploadId}/parts/{partNumber}", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<PartResponse> reportPart(@AuthenticationPrincipal Jwt user, @PathVariable String uploadId,
                                  @PathVariable int partNumber, @Valid @RequestBody PartReport report) {
        requirePartNumber(partNumber);
        return recordPart.report(uploadId, user.getSubject(), partNumber, report.etag());
    }

    @PostMapping("/{uploadId}/complete")
    Mono<CompleteUploadResponse> complete(@AuthenticationPrincipal Jwt user, @PathVariable String uploadId,
                                          @Valid @RequestBody(required = false) CompleteUploadRequest request) {
        return complete.complete(uploadId, user.getSubject(), request);
    }

    @DeleteMapping("/{uploadId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> abort(@AuthenticationPrincipal Jwt user, @PathVariable String uploadId) {
        return abort.abort(uploadId, user.getSubject());
    }

    private static void requirePartNumber(int partNumber) {
        UploadPlan.requirePossiblePart(partNumber);
    }
}
