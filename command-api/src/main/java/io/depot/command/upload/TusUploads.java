package io.depot.command.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.axon.Dispatch;
import io.depot.platform.storage.ObjectStorage;
import io.depot.platform.storage.StoredPart;
import io.depot.upload.DeclareUploadLengthCommand;
import io.depot.upload.TusOptions;
import io.depot.upload.UploadSessionView;
import io.depot.upload.UploadStatus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Clock;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * tus uploads on Depot's upload sessions: a tus upload is an ordinary session (same aggregate, events, limits, scan
 * and finalize), created with what the tus client said of it, written in order by {@link TusWriter}, and completed as
 * any other once its last byte is stored. Partial uploads (tus concatenation) are sessions that never become files:
 * each is assembled once whole, and a final upload streams them, in order, into its own parts, completes, then ends
 * them.
 */
@Component
class TusUploads {

    static final String DEFAULT_TYPE = "application/octet-stream";
    private static final int SETTLE_CHECKS = 30;
    private static final java.time.Duration SETTLE_INTERVAL = java.time.Duration.ofMillis(100);

    private final InitiateUpload initiate;
    private final CompleteUpload complete;
    private final AbortUpload abort;
    private final UploadSessions sessions;
    private final UploadAllowances allowances;
    private final TusWriter writer;
    private final CommandGateway commands;
    private final ObjectStorage storage;
    private final TusProperties properties;
    private final Clock clock;

    TusUploads(InitiateUpload initiate, CompleteUpload complete, AbortUpload abort, UploadSessions sessions,
               UploadAllowances allowances, TusWriter writer, CommandGateway commands, ObjectStorage storage,
               TusProperties properties, Clock clock) {
        this.initiate = initiate;
        this.complete = complete;
        this.abort = abort;
        this.sessions = sessions;
        this.allowances = allowances;
        this.writer = writer;
        this.commands = commands;
        this.storage = storage;
        this.properties = properties;
        this.clock = clock;
    }

    /** Creates an upload of {@code length} bytes, or of a length declared later when null. */
    Mono<UploadSessionView> create(String ownerId, Long length, String metadataHeader, TusProtocol.Concat concat,
                                   String idempotencyKey) {
        Map<String, String> metadata = TusProtocol.metadata(metadataHeader);
        if (concat != null && !concat.partial()) {
            return concatenate(ownerId, metadata, metadataHeader, concat.partials(), idempotencyKey);
        }
        boolean partial = concat != null;
        String filename = partial ? metadata.getOrDefault("filename", "partial.bin") : filename(metadata);
        String type = partial ? DEFAULT_TYPE : contentType(metadata);
        TusOptions tus = new TusOptions(metadataHeader, partial ? TusOptions.PARTIAL : null, List.of());
        return open(ownerId, filename, type, length, metadata, tus, idempotencyKey);
    }

    private Mono<UploadSessionView> open(String ownerId, String filename, String type, Long length,
                                         Map<String, String> metadata, TusOptions tus, String idempotencyKey) {
        InitiateUploadRequest request = new InitiateUploadRequest(filename, type, length == null ? 0 : length, null,
                "true".equalsIgnoreCase(metadata.get("public")) ? Boolean.TRUE : null, sha256(metadata), null);
        return initiate.initiate(ownerId, request, idempotencyKey, tus, length == null)
                .flatMap(opened -> sessions.describe(opened.uploadId(), ownerId));
    }

    private static String filename(Map<String, String> metadata) {
        String filename = metadata.getOrDefault("filename", metadata.get("name"));
        if (filename == null || filename.isBlank()) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "Upload-Metadata must carry the file's name as "
                    + "'filename'");
        }
        return filename;
    }

    private static String contentType(Map<String, String> metadata) {
        for (String key : List.of("filetype", "type", "content_type", "contentType")) {
            String type = metadata.get(key);
            if (type != null && !type.isBlank()) {
                return type;
            }
        }
        return DEFAULT_TYPE;
    }

    private static String sha256(Map<String, String> metadata) {
        String sha256 = metadata.get("sha256");
        if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "the sha256 in Upload-Metadata must be 64 hexadecimal "
                    + "digits");
        }
        return sha256;
    }

    /**
     * The session as a HEAD answers it: gone once ended without a file or past its expiry. A session whose bytes
     * are all stored but whose completion did not run to its end (the PATCH that stored them failed after) is
     * completed first: a tus client that finds every byte stored goes no further.
     */
    Mono<UploadSessionView> describe(String uploadId, String ownerId) {
        return sessions.describe(uploadId, ownerId)
                .flatMap(view -> settled(view, uploadId, ownerId))
                .map(this::requireLive)
                .flatMap(this::finishIfWhole);
    }

    /**
     * A client resuming after a cut connection asks where the upload stands while the cut request is still storing
     * what it received: the answer waits for that write to end (up to {@link #SETTLE_CHECKS} checks), so that the
     * client resumes at the byte storage holds rather than send again what is being stored.
     */
    private Mono<UploadSessionView> settled(UploadSessionView view, String uploadId, String ownerId) {
        if (!writing(view)) {
            return Mono.just(view);
        }
        return Mono.delay(SETTLE_INTERVAL)
                .then(Mono.defer(() -> sessions.describe(uploadId, ownerId)))
                .repeat(SETTLE_CHECKS)
                .takeUntil(latest -> !writing(latest))
                .last();
    }

    private boolean writing(UploadSessionView view) {
        return view.status() == UploadStatus.IN_PROGRESS && view.write().writeId() != null
                && view.write().leaseUntil().isAfter(clock.instant());
    }

    private UploadSessionView requireLive(UploadSessionView view) {
        if (view.status() == UploadStatus.ABORTED) {
            throw new DepotException(ErrorCode.UPLOAD_GONE, "upload " + view.uploadId() + " ended without a file ("
                    + view.abortReason().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        if (view.status() == UploadStatus.IN_PROGRESS && !view.expiresAt().isAfter(clock.instant())) {
            throw new DepotException(ErrorCode.UPLOAD_GONE, "upload " + view.uploadId() + " expired at "
                    + view.expiresAt());
        }
        if (view.tus() == null) {
            throw new DepotException(ErrorCode.UPLOAD_NOT_FOUND, "no tus upload " + view.uploadId()
                    + " (it was opened through Depot's own upload API)");
        }
        return view;
    }

    /**
     * Writes a PATCH body at {@code offset}; {@code length}, when given, declares a deferred length first. Answers
     * the session once the body is stored and, when it was the last, the upload completed.
     */
    Mono<UploadSessionView> patch(String uploadId, String ownerId, long offset, Long length, Flux<DataBuffer> body,
                                  Long contentLength, TusProtocol.Checksum checksum) {
        Mono<UploadSessionView> session = sessions.describe(uploadId, ownerId).map(this::requireLive);
        if (length != null) {
            session = session.flatMap(view -> declare(view, length));
        }
        return session.flatMap(view -> {
            if (view.tus().finalUpload()) {
                throw new DepotException(ErrorCode.METHOD_NOT_ALLOWED, "a final upload is made of its partial uploads;"
                        + " it takes no PATCH");
            }
            view.requireInProgress();
            refuseBeforeWriting(view, offset, contentLength, checksum);
            InputStream in = DataBufferUtils.subscriberInputStream(body.timeout(properties.idleTimeout()), 8);
            return writer.write(uploadId, ownerId, offset, in, contentLength, checksum);
        }).flatMap(this::finishIfWhole);
    }

    /**
     * What can be refused from the headers is refused before the write lease is taken, so that such a request leaves
     * no event behind: a body longer than the room left from its offset, a checksummed chunk over the limit. (The
     * session refuses an offset that is not where it stands.)
     */
    private void refuseBeforeWriting(UploadSessionView view, long offset, Long contentLength,
                                     TusProtocol.Checksum checksum) {
        if (offset == view.write().offset()) {
            writer.refuseOversized(view.plan(), offset, contentLength, checksum);
        }
    }

    private Mono<UploadSessionView> declare(UploadSessionView view, long length) {
        if (!view.plan().lengthDeferred()) {
            if (view.plan().size() != length) {
                throw new DepotException(ErrorCode.VALIDATION_FAILED, "the upload's length is " + view.plan().size()
                        + ", not " + length);
            }
            return Mono.just(view);
        }
        return allowances.claim(view.ownerId(), view.uploadId(), length, view.expiresAt())
                .then(Dispatch.<UploadSessionView>command(commands, new DeclareUploadLengthCommand(view.uploadId(),
                        view.ownerId(), length, clock.instant())));
    }

    /** Completes an upload whose bytes are all stored; assembles a partial one. */
    private Mono<UploadSessionView> finishIfWhole(UploadSessionView view) {
        if (view.status() != UploadStatus.IN_PROGRESS || view.plan().lengthDeferred()
                || view.write().offset() != view.plan().size() || view.write().writeId() != null) {
            return Mono.just(view);
        }
        if (view.tus().partial()) {
            return assemble(view).thenReturn(view);
        }
        return complete.complete(view.uploadId(), view.ownerId(), null)
                .then(sessions.describe(view.uploadId(), view.ownerId()));
    }

    /** A whole partial upload becomes an object, read by the final upload that concatenates it. */
    private Mono<Void> assemble(UploadSessionView view) {
        return storage.head(view.objectKey()).flatMap(head -> head.isPresent() ? Mono.<Void>empty()
                : storage.completeMultipartUpload(view.objectKey(), view.storageUploadId(), view.parts().stream()
                        .map(p -> new StoredPart(p.partNumber(), p.etag(), p.size())).toList()).then());
    }

    /**
     * Creates a final upload from whole partial uploads of the same owner: its bytes are theirs, in order, streamed
     * through the service into its own parts (S3 can copy parts storage side only when each is at least 5 MiB, which
     * partial uploads need not be); then it completes like any upload, and the partial uploads end.
     */
    private Mono<UploadSessionView> concatenate(String ownerId, Map<String, String> metadata, String metadataHeader,
                                                List<String> partialIds, String idempotencyKey) {
        return Flux.fromIterable(partialIds)
                .concatMap(id -> sessions.describe(id, ownerId).map(this::requireLive))
                .map(partial -> {
                    if (partial.tus() == null || !partial.tus().partial()) {
                        throw new DepotException(ErrorCode.VALIDATION_FAILED, "upload " + partial.uploadId()
                                + " is not a partial upload");
                    }
                    partial.requireInProgress();
                    if (partial.plan().lengthDeferred() || partial.write().offset() != partial.plan().size()) {
                        throw new DepotException(ErrorCode.VALIDATION_FAILED, "partial upload " + partial.uploadId()
                                + " is not whole yet");
                    }
                    return partial;
                })
                .collectList()
                .flatMap(partials -> Flux.fromIterable(partials).concatMap(this::assemble).then(Mono.just(partials)))
                .flatMap((List<UploadSessionView> partials) -> {
                    long length = partials.stream().mapToLong(p -> p.plan().size()).sum();
                    TusOptions tus = new TusOptions(metadataHeader, TusOptions.FINAL, partialIds);
                    return open(ownerId, filename(metadata), contentType(metadata), length, metadata, tus,
                            idempotencyKey)
                            .flatMap(created -> writer.write(created.uploadId(), ownerId, 0, concatenated(partials),
                                    length, null))
                            .flatMap(this::finishIfWhole)
                            .flatMap(done -> Flux.fromIterable(partials)
                                    .concatMap(p -> abort.abort(p.uploadId(), ownerId))
                                    .then(Mono.just(done)));
                });
    }

    /** The partial uploads' objects one after another, each opened when the one before is read. */
    private InputStream concatenated(List<UploadSessionView> partials) {
        Iterator<UploadSessionView> next = partials.iterator();
        return new SequenceInputStream(new Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return next.hasNext();
            }

            @Override
            public InputStream nextElement() {
                return storage.open(next.next().objectKey()).block();
            }
        });
    }

    /** Terminates an upload: it ends, and its storage is released. */
    Mono<Void> terminate(String uploadId, String ownerId) {
        return sessions.describe(uploadId, ownerId).map(this::requireLive).flatMap(view -> {
            if (view.status() == UploadStatus.COMPLETED) {
                throw new DepotException(ErrorCode.UPLOAD_COMPLETED, "upload " + uploadId + " is completed: delete "
                        + "its file instead");
            }
            return abort.abort(uploadId, ownerId);
        });
    }
}
