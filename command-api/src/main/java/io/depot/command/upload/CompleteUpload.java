package io.depot.command.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.ClaimFileNameCommand;
import io.depot.file.FileIds;
import io.depot.file.RecordFileVersionCommand;
import io.depot.platform.axon.Dispatch;
import io.depot.platform.storage.ObjectStorage;
import io.depot.platform.storage.StoredPart;
import io.depot.upload.AbortUploadCommand;
import io.depot.upload.CompleteUploadCommand;
import io.depot.upload.RecordPartsCommand;
import io.depot.upload.UploadCompletion;
import io.depot.upload.UploadRejection;
import io.depot.upload.UploadSessionView;
import io.depot.upload.UploadStatus;
import io.depot.upload.UploadedPart;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Completes an upload: assembles the object, verifies it, makes it a file version and closes the session, in that
 * order, so that a retry after any failure, or a complete racing it on any instance, finishes the same work without a
 * second version: storage assembles the parts into the same bytes, and the file records one version per upload.
 */
@Component
class CompleteUpload {

    /** How long a complete that finds parts missing watches for a racing complete's object: 10 x 200 ms. */
    private static final int ASSEMBLY_CHECKS = 10;
    private static final Duration ASSEMBLY_CHECK_INTERVAL = Duration.ofMillis(200);

    private final ObjectStorage storage;
    private final CommandGateway commands;
    private final UploadSessions sessions;
    private final ContentPolicy content;
    private final UploadAllowances allowances;
    private final Clock clock;

    CompleteUpload(ObjectStorage storage, CommandGateway commands, UploadSessions sessions, ContentPolicy content,
                   UploadAllowances allowances, Clock clock) {
        this.storage = storage;
        this.commands = commands;
        this.sessions = sessions;
        this.content = content;
        this.allowances = allowances;
        this.clock = clock;
    }

    /**
     * A complete sent again, or racing another on another instance (a balancer resends a POST whose instance died),
     * answers what the first answered: a step refused because the other one closed the session meanwhile (recording
     * parts, an abort) gives way to the completed session's answer.
     */
    Mono<CompleteUploadResponse> complete(String uploadId, String requesterId, CompleteUploadRequest request) {
        return sessions.view(uploadId, requesterId).flatMap(view -> {
            if (view.status() == UploadStatus.COMPLETED) {
                return Mono.just(completed(view));
            }
            view.requireInProgress();
            return assemble(view, claims(request))
                    .then(verify(view))
                    .flatMap(sha256 -> sniff(view).then(record(view, sha256.orElse(null))));
        }).onErrorResume(e -> e instanceof DepotException d && d.code() == ErrorCode.UPLOAD_COMPLETED,
                closed -> sessions.describe(uploadId, requesterId)
                        .map(view -> {
                            if (view.status() != UploadStatus.COMPLETED) {
                                throw (DepotException) closed;
                            }
                            return completed(view);
                        }));
    }

    private static CompleteUploadResponse completed(UploadSessionView view) {
        return new CompleteUploadResponse(view.uploadId(), view.fileId(), view.version(), view.plan().size(),
                view.sha256(), "completed");
    }

    private static Map<Integer, String> claims(CompleteUploadRequest request) {
        return request == null || request.parts() == null ? Map.of()
                : request.parts().stream().collect(Collectors.toMap(CompleteUploadRequest.ClientPart::partNumber,
                part -> ObjectStorage.unquote(part.etag()), (a, b) -> b));
    }

    /**
     * Storage forgets a multipart upload once it is assembled: when a retry, or a racing complete, finds no parts or
     * cannot assemble them, but the whole object is there, an earlier attempt assembled it and verification takes
     * over.
     */
    private Mono<Void> assemble(UploadSessionView view, Map<Integer, String> claimed) {
        return storage.listParts(view.objectKey(), view.storageUploadId())
                .onErrorResume(e -> e instanceof DepotException d && d.code() == ErrorCode.NOT_FOUND,
                        e -> Mono.just(List.of()))
                .flatMap(stored -> {
                    Mono<Void> assemble = Mono.defer(() -> assembleParts(view, stored, claimed));
                    return stored.isEmpty() ? assembled(view, assemble) : assemble;
                })
                .onErrorResume(e -> e instanceof DepotException d && d.code() == ErrorCode.PARTS_MISSING,
                        missing -> assembledByAnother(view, Mono.error(missing)));
    }

    private Mono<Void> assembled(UploadSessionView view, Mono<Void> otherwise) {
        return storage.head(view.objectKey()).flatMap(head -> head.isPresent() ? Mono.<Void>empty() : otherwise);
    }

    /**
     * Parts that seem to be missing may be parts a racing complete, on another instance, is assembling right now:
     * storage stops listing them before the whole object shows. Parts missing for good cost their client a short
     * wait for the refusal; a race ends as soon as the object is there.
     */
    private Mono<Void> assembledByAnother(UploadSessionView view, Mono<Void> otherwise) {
        return Mono.defer(() -> storage.head(view.objectKey()))
                .filter(Optional::isPresent)
                .repeatWhenEmpty(ASSEMBLY_CHECKS, checks -> checks.delayElements(ASSEMBLY_CHECK_INTERVAL))
                .then()
                .onErrorResume(IllegalStateException.class, exhausted -> otherwise);
    }

    private Mono<Void> assembleParts(UploadSessionView view, List<StoredPart> stored, Map<Integer, String> claimed) {
        Instant now = clock.instant();
        List<UploadedPart> parts = view.plan().assembly(stored.stream()
                .map(p -> new UploadedPart(p.partNumber(), p.etag(), p.size(), now)).toList(), claimed);
        return recordUnreported(view, parts)
                .then(storage.completeMultipartUpload(view.objectKey(), view.storageUploadId(), parts.stream()
                                .map(p -> new StoredPart(p.partNumber(), p.etag(), p.size())).toList())
                        .then()
                        .onErrorResume(e -> assembledByAnother(view, Mono.error(e))));
    }

    /** Parts the client put in storage but never reported are recorded, in one command, before the session closes. */
    private Mono<Void> recordUnreported(UploadSessionView view, List<UploadedPart> parts) {
        Map<Integer, String> recorded = view.parts().stream()
                .collect(Collectors.toMap(UploadedPart::partNumber, UploadedPart::etag));
        List<UploadedPart> unreported = parts.stream()
                .filter(p -> !p.etag().equals(recorded.get(p.partNumber())))
                .toList();
        return unreported.isEmpty() ? Mono.empty()
                : Dispatch.command(commands, new RecordPartsCommand(view.uploadId(), view.ownerId(), unreported)).then();
    }

    /** The assembled object's size and, when one was declared, its SHA-256, as the domain requires them. */
    private Mono<Optional<String>> verify(UploadSessionView view) {
        return storage.head(view.objectKey()).flatMap(head -> {
            var object = head.orElseThrow(() -> new DepotException(ErrorCode.PARTS_MISSING,
                    "storage holds no object for upload " + view.uploadId() + "; upload its parts again"));
            Optional<UploadRejection> wrongSize = view.checkStoredSize(object.size());
            if (wrongSize.isPresent()) {
                return reject(view, wrongSize.get());
            }
            if (view.sha256() == null) {
                return Mono.just(Optional.empty());
            }
            return storage.sha256(view.objectKey()).flatMap(actual -> view.checkSha256(actual)
                    .map(rejection -> this.<Optional<String>>reject(view, rejection))
                    .orElseGet(() -> Mono.just(Optional.of(actual))));
        });
    }

    /** Sniffs the stored object's first bytes; content that is not what was declared ends the session. */
    private Mono<Void> sniff(UploadSessionView view) {
        if (!content.sniffing() || view.plan().size() == 0) {
            return Mono.empty();
        }
        return storage.readRange(view.objectKey(), 0, Math.min(view.plan().size(), content.sniffBytes()))
                .flatMap(head -> {
                    try {
                        content.checkContent(view.filename(), view.contentType(), head);
                        return Mono.<Void>empty();
                    } catch (DepotException refused) {
                        return reject(view, UploadRejection.contentRefused(refused));
                    }
                });
    }

    /** What was stored is not what the client meant to store: the object goes, and the session ends. */
    private <T> Mono<T> reject(UploadSessionView view, UploadRejection rejection) {
        Mono<Object> abort = Dispatch.command(commands, new AbortUploadCommand(view.uploadId(), view.ownerId(),
                rejection.reason(), clock.instant()));
        return storage.delete(view.objectKey())
                .then(sessions.change(view.uploadId(), abort, (aborted, shown) -> shown.status() == UploadStatus.ABORTED))
                .then(allowances.release(view.ownerId(), view.uploadId()))
                .then(Mono.error(rejection.failure()));
    }

    /**
     * Makes the object a file version, then closes the session; answers once the session shows it closed. The file
     * claims its name first: a no-op for a file that has it, and a refusal ({@code filename-taken}) when another file
     * was renamed to it while this upload was open.
     */
    private Mono<CompleteUploadResponse> record(UploadSessionView view, String sha256) {
        Mono<Object> claimName = Dispatch.command(commands, new ClaimFileNameCommand(
                FileIds.nameId(view.ownerId(), view.filename()), view.ownerId(), view.filename(), view.fileId()));
        Mono<CompleteUploadResponse> completion = claimName.then(Dispatch.<Long>command(commands, new RecordFileVersionCommand(
                        view.fileId(), view.uploadId(), view.ownerId(), view.filename(), view.contentType(),
                        view.plan().size(), sha256, view.storageClass(), view.visibility(), view.objectKey(),
                        clock.instant())))
                .flatMap(version -> Dispatch.<UploadCompletion>command(commands, new CompleteUploadCommand(
                        view.uploadId(), view.ownerId(), version, sha256, clock.instant())))
                .map(done -> new CompleteUploadResponse(view.uploadId(), view.fileId(), done.version(),
                        view.plan().size(), sha256, "completed"));
        return sessions.change(view.uploadId(), completion, (completed, shown) -> shown.status() == UploadStatus.COMPLETED)
                .flatMap(response -> allowances.release(view.ownerId(), view.uploadId()).thenReturn(response));
    }
}
