package io.depot.command.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.FileIds;
import io.depot.file.ResolveFileNameCommand;
import io.depot.file.Filenames;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import io.depot.platform.axon.Dispatch;
import io.depot.platform.storage.ObjectStorage;
import io.depot.platform.storage.PendingUpload;
import io.depot.platform.storage.PresignedUrl;
import io.depot.upload.InitiateUploadCommand;
import io.depot.upload.TusOptions;
import io.depot.upload.UploadMode;
import io.depot.upload.UploadPlan;
import io.depot.upload.UploadSessionSummary;
import io.depot.upload.UploadStatus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Opens an upload: claims a place in the owner's allowance, prepares a multipart upload in storage, then records the
 * session. Every upload, one part or many, is a multipart upload in storage: its part URLs stop working once it is
 * completed or aborted, so no URL Depot handed out can change or add an object afterwards.
 */
@Component
class InitiateUpload {

    private static final Logger log = LoggerFactory.getLogger(InitiateUpload.class);

    private final ObjectStorage storage;
    private final CommandGateway commands;
    private final UploadSessions sessions;
    private final UploadAllowances allowances;
    private final ContentPolicy content;
    private final PartUrls urls;
    private final UploadProperties properties;
    private final Clock clock;
    private final EventStore eventStore;

    InitiateUpload(ObjectStorage storage, CommandGateway commands, UploadSessions sessions, UploadAllowances allowances,
                   ContentPolicy content, PartUrls urls, UploadProperties properties, Clock clock,
                   EventStore eventStore) {
        this.storage = storage;
        this.commands = commands;
        this.sessions = sessions;
        this.allowances = allowances;
        this.content = content;
        this.urls = urls;
        this.properties = properties;
        this.clock = clock;
        this.eventStore = eventStore;
    }

    /**
     * With an {@code idempotencyKey} the upload's id follows from the user and the key, so a retry that finds the
     * key's first answer lost (its process died before storing it) still cannot open a second upload: it finds the
     * first one and answers with it.
     */
    Mono<InitiateUploadResponse> initiate(String ownerId, InitiateUploadRequest request, String idempotencyKey) {
        return initiate(ownerId, request, idempotencyKey, null, false).map(this::response);
    }

    /**
     * Opens an upload for a tus client: the same session, limits and storage as any other, with what the client said
     * of it at creation; {@code deferred}: its length comes later, and request's size is ignored.
     */
    Mono<InitiateUploadCommand> initiate(String ownerId, InitiateUploadRequest request, String idempotencyKey,
                                         TusOptions tus, boolean deferred) {
        InitiateUploadCommand planned = command(ownerId, request, idempotencyKey, tus, deferred);
        return fileFor(planned).flatMap(command -> initiate(command, idempotencyKey));
    }

    private Mono<InitiateUploadCommand> initiate(InitiateUploadCommand command, String idempotencyKey) {
        String ownerId = command.ownerId();
        // A deferred length claims its place now and its bytes when it is declared.
        long bytes = command.plan().lengthDeferred() ? 0 : command.plan().size();
        return allowances.claim(ownerId, command.uploadId(), bytes, command.expiresAt())
                .flatMap(claimed -> open(command, idempotencyKey != null)
                        .onErrorResume(e -> idempotencyKey != null, e -> alreadyInitiated(command, e))
                        // A claim this request made for an upload it did not open is given back.
                        .onErrorResume(e -> claimed, e -> allowances.giveBack(ownerId, command.uploadId())
                                .then(Mono.error(e))));
    }

    private InitiateUploadCommand command(String ownerId, InitiateUploadRequest request, String idempotencyKey,
                                          TusOptions tus, boolean deferred) {
        String filename = Filenames.normalize(request.filename());
        content.checkDeclared(filename, request.contentType());
        long partSize = request.partSize() != null ? request.partSize() : properties.defaultPartSize().toBytes();
        UploadPlan plan = deferred ? UploadPlan.deferred(partSize) : UploadPlan.of(request.size(), partSize);
        StorageClass storageClass = storageClass(request.storageClass());
        Visibility visibility = Boolean.TRUE.equals(request.publicFile()) ? Visibility.PUBLIC : Visibility.PRIVATE;
        String sha256 = request.sha256() == null ? null : request.sha256().toLowerCase(Locale.ROOT);
        String uploadId = idempotencyKey == null ? UUID.randomUUID().toString()
                : UUID.nameUUIDFromBytes(("initiate\0" + ownerId + "\0" + idempotencyKey).getBytes(StandardCharsets.UTF_8))
                .toString();
        String fileId = FileIds.of(ownerId, filename);
        Instant now = clock.instant();
        // The storage upload id is known once storage has prepared the upload.
        return new InitiateUploadCommand(uploadId, fileId, ownerId, filename, request.contentType(), plan, storageClass,
                visibility, sha256, objectKey(fileId, uploadId), null, now, now.plus(properties.sessionTtl()), tus);
    }

    /**
     * The upload goes to the file that holds its name now, or to the file the name's next upload makes: the first of
     * a name that no file ever held, a new one where a file gave the name up (renamed away, deleted).
     */
    private Mono<InitiateUploadCommand> fileFor(InitiateUploadCommand planned) {
        String nameId = FileIds.nameId(planned.ownerId(), planned.filename());
        // Most uploads are of names no file ever held: asking the event store whether the name has a history is one
        // indexed read, where loading an aggregate that does not exist is an exception Axon logs at WARN.
        Mono<Boolean> claimedBefore = Mono.fromCallable(() -> eventStore.lastSequenceNumberFor(nameId).isPresent())
                .subscribeOn(Schedulers.boundedElastic());
        return claimedBefore
                .flatMap(claimed -> !claimed ? Mono.just(planned.fileId())
                        : Dispatch.<String>command(commands, new ResolveFileNameCommand(nameId))
                        .onErrorResume(AggregateNotFoundException.class, never -> Mono.just(planned.fileId())))
                .map(fileId -> fileId.equals(planned.fileId()) ? planned : new InitiateUploadCommand(planned.uploadId(),
                        fileId, planned.ownerId(), planned.filename(), planned.contentType(), planned.plan(),
                        planned.storageClass(), planned.visibility(), planned.sha256(),
                        objectKey(fileId, planned.uploadId()), null, planned.initiatedAt(),
                        planned.expiresAt(), planned.tus()));
    }

    private static String objectKey(String fileId, String uploadId) {
        return "objects/" + fileId + "/" + uploadId;
    }

    private static StorageClass storageClass(String requested) {
        StorageClass storageClass = requested == null ? StorageClass.STANDARD
                : StorageClass.parse(requested).orElseThrow(() -> new DepotException(
                ErrorCode.VALIDATION_FAILED, "storage_class must be one of " + List.of(StorageClass.values())));
        if (storageClass.archive()) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "storage_class " + storageClass + " is an archive "
                    + "class: its objects cannot be read until restored, and a new version must be read to be verified; "
                    + "upload in another class and let lifecycle rules archive it");
        }
        return storageClass;
    }

    /**
     * Prepares storage, then records the session; storage prepared for a session that was not recorded is released.
     * A keyed initiate's object key follows from its key, so a retry takes over the multipart upload an earlier attempt
     * prepared there, if any: an attempt whose process died before recording its session leaves no stray upload, and
     * attempts racing on two instances agree on one.
     */
    private Mono<InitiateUploadCommand> open(InitiateUploadCommand planned, boolean keyed) {
        Mono<String> created = Mono.defer(() -> storage.createMultipartUpload(planned.objectKey(),
                planned.contentType(), planned.storageClass()));
        Mono<String> prepared = !keyed ? created : storage.pendingUploads(planned.objectKey())
                .next()
                .map(PendingUpload::storageUploadId)
                .switchIfEmpty(created);
        return prepared
                .flatMap(multipartId -> {
                    InitiateUploadCommand command = withStorageUpload(planned, multipartId);
                    Mono<Object> initiate = Dispatch.command(commands, command)
                            .onErrorResume(e -> release(command).then(Mono.error(e)));
                    return sessions.change(command.uploadId(), initiate.thenReturn(command), (initiated, shown) -> true);
                });
    }

    private static InitiateUploadCommand withStorageUpload(InitiateUploadCommand c, String storageUploadId) {
        return new InitiateUploadCommand(c.uploadId(), c.fileId(), c.ownerId(), c.filename(), c.contentType(), c.plan(),
                c.storageClass(), c.visibility(), c.sha256(), c.objectKey(), storageUploadId, c.initiatedAt(),
                c.expiresAt(), c.tus());
    }

    /**
     * Releases the storage this request prepared, unless the session was recorded with it after all: a command can
     * fail after its event was stored (its answer lost, a retry that then finds the session existing), and the
     * session's parts must not go to an upload storage no longer has. When the session cannot be asked, the storage
     * is left to reconcile.
     */
    private Mono<Void> release(InitiateUploadCommand command) {
        return sessions.recordedWith(command.uploadId(), command.ownerId(), command.storageUploadId())
                .flatMap(recorded -> {
                    if (recorded) {
                        log.warn("initiate of {} failed after its session was recorded; its storage stays",
                                command.uploadId());
                        return Mono.<Void>empty();
                    }
                    return storage.release(command.objectKey(), command.storageUploadId());
                })
                .onErrorResume(e -> {
                    log.warn("could not release storage of {}; reconcile will: {}", command.objectKey(), e.toString());
                    return Mono.empty();
                });
    }

    /**
     * The answer for a retried initiate whose upload exists already: the same upload, with fresh URLs, when it is
     * still open and was asked for with the same parameters; else the original failure, or the key's reuse.
     */
    private Mono<InitiateUploadCommand> alreadyInitiated(InitiateUploadCommand retried, Throwable failure) {
        return sessions.find(retried.uploadId(), retried.ownerId())
                .onErrorResume(e -> Mono.error(failure))
                .map(existing -> {
                    if (existing.status() != UploadStatus.IN_PROGRESS || !sameRequest(existing, retried)) {
                        throw new DepotException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                                "this Idempotency-Key was used for another upload");
                    }
                    return new InitiateUploadCommand(existing.uploadId(), existing.fileId(),
                            existing.ownerId(), existing.filename(), existing.contentType(), existing.plan(),
                            existing.storageClass(), existing.visibility(), existing.sha256(), existing.objectKey(),
                            existing.storageUploadId(), existing.initiatedAt(), existing.expiresAt(), retried.tus());
                });
    }

    private static boolean sameRequest(UploadSessionSummary existing, InitiateUploadCommand retried) {
        return existing.fileId().equals(retried.fileId()) && existing.plan().equals(retried.plan())
                && existing.contentType().equals(retried.contentType())
                && existing.storageClass() == retried.storageClass() && existing.visibility() == retried.visibility()
                && Objects.equals(existing.sha256(), retried.sha256());
    }

    private InitiateUploadResponse response(InitiateUploadCommand command) {
        UploadPlan plan = command.plan();
        if (plan.mode() == UploadMode.SINGLE) {
            PresignedUrl url = urls.part(command.objectKey(), command.storageUploadId(), plan, 1);
            return new InitiateUploadResponse(command.uploadId(), command.fileId(), null, 1, null, url.url(),
                    Map.of(), url.expiresAt());
        }
        List<String> partUrls = new ArrayList<>(plan.partCount());
        Instant expiresAt = null;
        for (int part = 1; part <= plan.partCount(); part++) {
            PresignedUrl url = urls.part(command.objectKey(), command.storageUploadId(), plan, part);
            partUrls.add(url.url());
            expiresAt = url.expiresAt();
        }
        return new InitiateUploadResponse(command.uploadId(), command.fileId(), plan.partSize(), plan.partCount(),
                partUrls, null, null, expiresAt);
    }
}
