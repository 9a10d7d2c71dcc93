package io.depot.command.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.FileIds;
import io.depot.file.Filenames;
import io.depot.file.RecordFileVersionCommand;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import io.depot.platform.axon.Dispatch;
import io.depot.platform.storage.ObjectStorage;
import io.depot.platform.storage.PresignedUrl;
import io.depot.platform.storage.StorageProperties;
import io.depot.platform.storage.StoredPart;
import io.depot.upload.AbortReason;
import io.depot.upload.AbortUploadCommand;
import io.depot.upload.CompleteUploadCommand;
import io.depot.upload.InitiateUploadCommand;
import io.depot.upload.RecordPartCommand;
import io.depot.upload.RecordPartsCommand;
import io.depot.upload.UploadCompletion;
import io.depot.upload.UploadMode;
import io.depot.upload.UploadPlan;
import io.depot.upload.UploadSessionView;
import io.depot.upload.UploadStatus;
import io.depot.upload.UploadedPart;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An upload's path through storage and the event store. Storage is prepared before an event claims it,
 * and every step can be repeated: a retried request finds the work done and answers as the first did.
 */
@Service
class UploadService {

    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    private static final Duration PROGRESS_POLL = Duration.ofMillis(500);
    /** A progress stream ends after this long; the client reconnects if its upload still runs. */
    private static final Duration PROGRESS_LIMIT = Duration.ofHours(1);

    private final ObjectStorage storage;
    private final CommandGateway commands;
    private final UploadSessions sessions;
    private final UploadProperties properties;
    private final Duration urlExpiry;
    private final Clock clock;
    private final ContentPolicy content;
    private final UploadQuotas quotas;
    private final Map<String, Mono<CompleteUploadResponse>> completing = new ConcurrentHashMap<>();

    UploadService(ObjectStorage storage, CommandGateway commands, UploadSessions sessions,
                  UploadProperties properties, StorageProperties storageProperties, Clock clock,
                  ContentPolicy content, UploadQuotas quotas) {
        this.content = content;
        this.quotas = quotas;
        this.storage = storage;
        this.commands = commands;
        this.sessions = sessions;
        this.properties = properties;
        this.urlExpiry = storageProperties.uploadUrlExpiry();
        this.clock = clock;
    }

    /**
     * Opens an upload. With an {@code idempotencyKey} the upload's id follows from the user and the key, so a
     * retry that finds the key's first answer lost (its process died before storing it) still cannot open a second
     * upload: it finds the first one and answers with it.
     */
    Mono<InitiateUploadResponse> initiate(String ownerId, InitiateUploadRequest request, String idempotencyKey) {
        String filename = Filenames.normalize(request.filename());
        content.checkDeclared(filename, request.contentType());
        UploadPlan plan = UploadPlan.of(request.size(),
                request.partSize() != null ? request.partSize() : properties.defaultPartSize().toBytes());
        StorageClass storageClass = request.storageClass() == null ? StorageClass.STANDARD
                : StorageClass.parse(request.storageClass()).orElseThrow(() -> new DepotException(
                ErrorCode.VALIDATION_FAILED, "storage_class must be one of " + List.of(StorageClass.values())));
        if (storageClass.archive()) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "storage_class " + storageClass + " is an archive "
                    + "class: its objects cannot be read until restored, and a new version must be read to be verified; "
                    + "upload in another class and let lifecycle rules archive it");
        }
        Visibility visibility = Boolean.TRUE.equals(request.publicFile()) ? Visibility.PUBLIC : Visibility.PRIVATE;
        String sha256 = request.sha256() == null ? null : request.sha256().toLowerCase(Locale.ROOT);
        String uploadId = idempotencyKey == null ? UUID.randomUUID().toString()
                : UUID.nameUUIDFromBytes(("initiate\0" + ownerId + "\0" + idempotencyKey).getBytes(StandardCharsets.UTF_8))
                .toString();
        String fileId = FileIds.of(ownerId, filename);
        String key = "objects/" + fileId + "/" + uploadId;
        Instant now = clock.instant();

        // Every upload, one part or many, is a multipart upload in storage: its part URLs stop working once it is
        // completed or aborted, so no URL Depot handed out can change or add an object afterwards.
        Mono<InitiateUploadResponse> initiated = storage.createMultipartUpload(key, request.contentType(), storageClass)
                .flatMap(multipartId -> {
            var command = new InitiateUploadCommand(uploadId, fileId, ownerId, filename,
                    request.contentType(), plan, storageClass, visibility, sha256, key, multipartId, now,
                    now.plus(properties.sessionTtl()));
            return Dispatch.command(commands, command)
                    .onErrorResume(e -> releaseStorage(key, multipartId).then(Mono.error(e)))
                    .then(Mono.fromCallable(() -> initiateResponse(command)).subscribeOn(Schedulers.boundedElastic()))
                    // The retry's own claim on the quotas is given back: the upload it found was counted once already.
                    .onErrorResume(e -> idempotencyKey != null, e -> alreadyInitiated(command, e)
                            .flatMap(found -> quotas.release(ownerId, plan.size()).thenReturn(found)));
        });
        return quotas.claim(ownerId, plan.size())
                .then(initiated.onErrorResume(e -> quotas.release(ownerId, plan.size()).then(Mono.error(e))));
    }

    /**
     * The answer for a retried initiate whose upload exists already: the same upload, with fresh URLs, when it is
     * still open and was asked for with the same parameters; else the original failure, or the key's reuse.
     */
    private Mono<InitiateUploadResponse> alreadyInitiated(InitiateUploadCommand retried, Throwable failure) {
        return sessions.find(retried.uploadId(), retried.ownerId())
                .onErrorResume(e -> Mono.error(failure))
                .map(existing -> {
                    if (existing.status() != UploadStatus.IN_PROGRESS || !sameRequest(existing, retried)) {
                        throw new DepotException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                                "this Idempotency-Key was used for another upload");
                    }
                    return initiateResponse(new InitiateUploadCommand(existing.uploadId(), existing.fileId(),
                            existing.ownerId(), existing.filename(), existing.contentType(), existing.plan(),
                            existing.storageClass(), existing.visibility(), existing.sha256(), existing.objectKey(),
                            existing.storageUploadId(), existing.initiatedAt(), existing.expiresAt()));
                });
    }

    private static boolean sameRequest(UploadSessionView existing, InitiateUploadCommand retried) {
        return existing.fileId().equals(retried.fileId()) && existing.plan().equals(retried.plan())
                && existing.contentType().equals(retried.contentType())
                && existing.storageClass() == retried.storageClass() && existing.visibility() == retried.visibility()
                && java.util.Objects.equals(existing.sha256(), retried.sha256());
    }

    private InitiateUploadResponse initiateResponse(InitiateUploadCommand command) {
        UploadPlan plan = command.plan();
        if (plan.mode() == UploadMode.SINGLE) {
            PresignedUrl url = storage.presignPart(command.objectKey(), command.storageUploadId(), 1, plan.size(),
                    urlExpiry);
            return new InitiateUploadResponse(command.uploadId(), command.fileId(), null, 1, null, url.url(),
                    Map.of(), url.expiresAt());
        }
        List<String> urls = new ArrayList<>(plan.partCount());
        Instant expiresAt = null;
        for (int part = 1; part <= plan.partCount(); part++) {
            PresignedUrl url = storage.presignPart(command.objectKey(), command.storageUploadId(), part,
                    plan.partLength(part), urlExpiry);
            urls.add(url.url());
            expiresAt = url.expiresAt();
        }
        return new InitiateUploadResponse(command.uploadId(), command.fileId(), plan.partSize(), plan.partCount(),
                urls, null, null, expiresAt);
    }

    Mono<UploadStateResponse> state(String uploadId, String requesterId) {
        return sessions.find(uploadId, requesterId).map(this::stateResponse);
    }

    private UploadStateResponse stateResponse(UploadSessionView view) {
        List<Integer> missing = view.missingParts();
        List<UploadStateResponse.MissingPartUrl> urls = List.of();
        Instant urlsExpireAt = null;
        if (view.status() == UploadStatus.IN_PROGRESS) {
            urls = new ArrayList<>(missing.size());
            for (int part : missing) {
                PresignedUrl url = presign(view, part);
                urls.add(new UploadStateResponse.MissingPartUrl(part, url.url()));
                urlsExpireAt = url.expiresAt();
            }
        }
        List<PartResponse> parts = view.parts().stream()
                .map(p -> new PartResponse(p.partNumber(), p.etag(), p.size()))
                .toList();
        return new UploadStateResponse(view.uploadId(), view.fileId(), lower(view.status()),
                view.abortReason() == null ? null : lower(view.abortReason()), view.filename(), view.contentType(),
                view.plan().size(), view.plan().partSize(), view.plan().partCount(), view.bytesUploaded(), parts,
                missing, urls, view.plan().mode() == UploadMode.SINGLE && !urls.isEmpty() ? Map.of() : null,
                view.version(), view.initiatedAt(), view.expiresAt(), urlsExpireAt);
    }

    private PresignedUrl presign(UploadSessionView view, int part) {
        return storage.presignPart(view.objectKey(), view.storageUploadId(), part, view.plan().partLength(part),
                urlExpiry);
    }

    /**
     * The upload's progress as it changes: a report now, then one whenever bytes or status change, until the
     * upload completes or aborts. It follows the event store, so it sees parts recorded by any instance.
     */
    Flux<UploadProgress> progress(String uploadId, String requesterId) {
        return sessions.find(uploadId, requesterId)
                .flatMapMany(first -> Flux.concat(Mono.just(first), Flux.interval(PROGRESS_POLL)
                        .onBackpressureDrop()
                        .concatMap(tick -> sessions.find(uploadId, requesterId))))
                .map(UploadProgress::of)
                .distinctUntilChanged()
                .takeUntil(UploadProgress::finished)
                .take(PROGRESS_LIMIT);
    }

    /** Streams a part through the service to storage, then records it. */
    Mono<PartResponse> uploadPart(String uploadId, String requesterId, int partNumber, long contentLength,
                                  Flux<DataBuffer> body) {
        return sessions.find(uploadId, requesterId).flatMap(view -> {
            long expected = expectPart(view, partNumber);
            if (contentLength > expected) {
                throw new DepotException(ErrorCode.PAYLOAD_TOO_LARGE, "part " + partNumber + " must be "
                        + expected + " bytes, Content-Length is " + contentLength);
            }
            if (contentLength != expected) {
                throw new DepotException(ErrorCode.PART_SIZE_MISMATCH, "part " + partNumber + " must be "
                        + expected + " bytes, Content-Length is " + contentLength);
            }
            return storage.uploadPart(view.objectKey(), view.storageUploadId(), partNumber, expected, body)
                    .flatMap(etag -> record(view, partNumber, etag, expected));
        });
    }

    /** Records a part the client uploaded straight to storage, after checking that storage holds it. */
    Mono<PartResponse> reportPart(String uploadId, String requesterId, int partNumber, String etag) {
        return sessions.find(uploadId, requesterId).flatMap(view -> {
            expectPart(view, partNumber);
            return storedPart(view, partNumber)
                    .flatMap(found -> {
                        StoredPart part = found.orElseThrow(() -> new DepotException(ErrorCode.PART_NOT_STORED,
                                "storage holds no part " + partNumber + " for upload " + uploadId));
                        if (!part.etag().equals(ObjectStorage.unquote(etag))) {
                            throw new DepotException(ErrorCode.PART_NOT_STORED, "part " + partNumber
                                    + " in storage has ETag " + part.etag() + ", not " + ObjectStorage.unquote(etag));
                        }
                        return record(view, partNumber, part.etag(), part.size());
                    });
        });
    }

    private Mono<Optional<StoredPart>> storedPart(UploadSessionView view, int partNumber) {
        return storage.findPart(view.objectKey(), view.storageUploadId(), partNumber);
    }

    private Mono<PartResponse> record(UploadSessionView view, int partNumber, String etag, long size) {
        return Dispatch.command(commands, new RecordPartCommand(view.uploadId(), view.ownerId(), partNumber, etag,
                        size, clock.instant()))
                .thenReturn(new PartResponse(partNumber, etag, size));
    }

    /**
     * Assembles the object, verifies it, makes it a file version and closes the session, in that order, so
     * that a retry after any failure finishes the same work without a second version.
     */
    Mono<CompleteUploadResponse> complete(String uploadId, String requesterId, CompleteUploadRequest request) {
        return sessions.find(uploadId, requesterId).flatMap(view -> {
            if (view.status() == UploadStatus.COMPLETED) {
                return Mono.just(completed(view, view.version()));
            }
            requireInProgress(view);
            // Completes racing on one upload in this instance share one run: storage assembles an object once.
            return completing.computeIfAbsent(uploadId, id -> finish(view, request)
                    .doFinally(signal -> completing.remove(id))
                    .cache());
        });
    }

    private Mono<CompleteUploadResponse> finish(UploadSessionView view, CompleteUploadRequest request) {
        return assemble(view, request)
                .then(verify(view))
                .flatMap(verified -> sniff(view).thenReturn(verified))
                .flatMap(verified -> {
                    String sha256 = verified.orElse(null);
                    return Dispatch.<Long>command(commands, versionCommand(view, sha256))
                            .flatMap(version -> Dispatch.<UploadCompletion>command(commands,
                                    new CompleteUploadCommand(view.uploadId(), view.ownerId(), version, sha256,
                                            clock.instant())))
                            .map(completion -> new CompleteUploadResponse(view.uploadId(), view.fileId(),
                                    completion.version(), view.plan().size(), sha256, "completed"));
                });
    }

    private Mono<Void> assemble(UploadSessionView view, CompleteUploadRequest request) {
        Map<Integer, String> claimed = request == null || request.parts() == null ? Map.of()
                : request.parts().stream().collect(Collectors.toMap(CompleteUploadRequest.ClientPart::partNumber,
                CompleteUploadRequest.ClientPart::etag, (a, b) -> b));
        // Storage forgets a multipart upload once it is assembled: when a retry finds no parts but the whole
        // object, an earlier attempt assembled it and verification takes over.
        return storage.listParts(view.objectKey(), view.storageUploadId())
                .onErrorResume(e -> e instanceof DepotException d && d.code() == ErrorCode.NOT_FOUND,
                        e -> Mono.just(List.of()))
                .flatMap(parts -> (parts.isEmpty() ? storage.head(view.objectKey()).map(Optional::isPresent) : Mono.just(false))
                        .flatMap(assembled -> assembled ? Mono.<Void>empty() : assembleParts(view, parts, claimed)));
    }

    private Mono<Void> assembleParts(UploadSessionView view, List<StoredPart> stored, Map<Integer, String> claimed) {
        List<StoredPart> parts = checkParts(view, stored, claimed);
        return recordMissing(view, parts)
                .then(storage.completeMultipartUpload(view.objectKey(), view.storageUploadId(), parts))
                .then();
    }

    /** Every planned part must be in storage, of the planned size, and match what the client claims. */
    private static List<StoredPart> checkParts(UploadSessionView view, List<StoredPart> stored, Map<Integer, String> claimed) {
        Map<Integer, StoredPart> byNumber = stored.stream()
                .collect(Collectors.toMap(StoredPart::partNumber, Function.identity(), (a, b) -> b));
        List<Integer> missing = new ArrayList<>();
        List<StoredPart> parts = new ArrayList<>();
        for (int n = 1; n <= view.plan().partCount(); n++) {
            StoredPart part = byNumber.get(n);
            if (part == null) {
                missing.add(n);
                continue;
            }
            if (part.size() != view.plan().partLength(n)) {
                throw new DepotException(ErrorCode.PART_SIZE_MISMATCH, "part " + n + " must be "
                        + view.plan().partLength(n) + " bytes, storage holds " + part.size());
            }
            String claim = claimed.get(n);
            if (claim != null && !ObjectStorage.unquote(claim).equals(part.etag())) {
                throw new DepotException(ErrorCode.PART_NOT_STORED, "part " + n + " in storage has ETag "
                        + part.etag() + ", not " + ObjectStorage.unquote(claim));
            }
            parts.add(part);
        }
        claimed.keySet().forEach(view.plan()::requirePart);
        if (!missing.isEmpty()) {
            throw new DepotException(ErrorCode.PARTS_MISSING, "parts not uploaded: " + abbreviate(missing));
        }
        return parts;
    }

    /** Parts the client put in storage but never reported are recorded before the session closes. */
    private Mono<Void> recordMissing(UploadSessionView view, List<StoredPart> parts) {
        Map<Integer, String> recorded = view.parts().stream()
                .collect(Collectors.toMap(UploadedPart::partNumber, UploadedPart::etag));
        Instant now = clock.instant();
        List<UploadedPart> missing = parts.stream()
                .filter(p -> !p.etag().equals(recorded.get(p.partNumber())))
                .map(p -> new UploadedPart(p.partNumber(), p.etag(), p.size(), now))
                .toList();
        // One command for all of them: one event-store transaction, however many parts went unreported.
        return missing.isEmpty() ? Mono.empty()
                : Dispatch.command(commands, new RecordPartsCommand(view.uploadId(), view.ownerId(), missing)).then();
    }

    /**
     * Checks the assembled object's size and, when one was declared, its SHA-256. A mismatch removes the
     * object and ends the session: what was stored is not what the client meant to store.
     */
    private Mono<Optional<String>> verify(UploadSessionView view) {
        return storage.head(view.objectKey()).flatMap(head -> {
            var object = head.orElseThrow(() -> new DepotException(ErrorCode.PARTS_MISSING,
                    "storage holds no object for upload " + view.uploadId() + "; upload its parts again"));
            if (object.size() != view.plan().size()) {
                return reject(view, AbortReason.SIZE_MISMATCH, new DepotException(ErrorCode.SIZE_MISMATCH,
                        "stored object is " + object.size() + " bytes, " + view.plan().size() + " were declared"));
            }
            if (view.sha256() == null) {
                return Mono.just(Optional.empty());
            }
            return storage.sha256(view.objectKey()).flatMap(actual -> actual.equals(view.sha256())
                    ? Mono.just(Optional.of(actual))
                    : reject(view, AbortReason.CHECKSUM_MISMATCH, new DepotException(ErrorCode.CHECKSUM_MISMATCH,
                    "stored object has SHA-256 " + actual + ", " + view.sha256() + " was declared")));
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
                        return reject(view, AbortReason.CONTENT_TYPE_MISMATCH, refused);
                    }
                });
    }

    private <T> Mono<T> reject(UploadSessionView view, AbortReason reason, DepotException failure) {
        return storage.delete(view.objectKey())
                .then(Dispatch.command(commands, new AbortUploadCommand(view.uploadId(), view.ownerId(), reason,
                        clock.instant())))
                .then(Mono.error(failure));
    }

    private RecordFileVersionCommand versionCommand(UploadSessionView view, String sha256) {
        return new RecordFileVersionCommand(view.fileId(), view.uploadId(), view.ownerId(), view.filename(),
                view.contentType(), view.plan().size(), sha256, view.storageClass(), view.visibility(),
                view.objectKey(), clock.instant());
    }

    private static CompleteUploadResponse completed(UploadSessionView view, long version) {
        return new CompleteUploadResponse(view.uploadId(), view.fileId(), version, view.plan().size(), view.sha256(),
                "completed");
    }

    /** Aborts the session, then releases its storage. */
    Mono<Void> abort(String uploadId, String requesterId) {
        return sessions.find(uploadId, requesterId)
                .flatMap(view -> Dispatch.command(commands, new AbortUploadCommand(uploadId, requesterId,
                                AbortReason.CLIENT_ABORTED, clock.instant()))
                        .then(releaseStorage(view.objectKey(), view.storageUploadId())));
    }

    /** Releases storage at once; if storage fails now, the cleanup saga's release after the abort retries it. */
    private Mono<Void> releaseStorage(String key, String storageUploadId) {
        return storage.release(key, storageUploadId).onErrorResume(e -> {
            log.warn("could not release storage of {} yet: {}", key, e.toString());
            return Mono.empty();
        });
    }

    private static long expectPart(UploadSessionView view, int partNumber) {
        requireInProgress(view);
        view.plan().requirePart(partNumber);
        return view.plan().partLength(partNumber);
    }

    private static void requireInProgress(UploadSessionView view) {
        if (view.status() == UploadStatus.COMPLETED) {
            throw new DepotException(ErrorCode.UPLOAD_COMPLETED, "upload " + view.uploadId() + " is already completed");
        }
        if (view.status() == UploadStatus.ABORTED) {
            throw new DepotException(ErrorCode.UPLOAD_ABORTED, "upload " + view.uploadId() + " was aborted ("
                    + lower(view.abortReason()) + ")");
        }
    }

    private static String abbreviate(List<Integer> parts) {
        if (parts.size() <= 20) {
            return parts.toString();
        }
        return parts.subList(0, 20) + " and " + (parts.size() - 20) + " more";
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
