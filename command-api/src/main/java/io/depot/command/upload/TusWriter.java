package io.depot.command.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.storage.ObjectStorage;
import io.depot.upload.AdvanceUploadWriteCommand;
import io.depot.upload.StartUploadWriteCommand;
import io.depot.upload.UploadPlan;
import io.depot.upload.UploadSessionView;
import io.depot.upload.UploadWrite;
import io.depot.upload.UploadedPart;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a tus PATCH body (or a concatenation's partial uploads) into an upload, in order, at the offset where the
 * upload stands, holding the upload's write lease. The bytes go to storage as S3 parts of the upload's plan: the
 * bytes of the part being received are spooled to a local file, and the part is sent as soon as it is whole, while
 * the next one is received (at most two parts per request on disk, each deleted once stored). What ends before a part is whole (the body's end, a cut connection) is kept in storage as the
 * upload's tail, and the next write sends it again with the part's remaining bytes; so a write of any size works,
 * and a cut one loses nothing that reached the service. Each stored part and tail is recorded in the session
 * before the next begins: the session's offset is always what storage holds.
 * <p>
 * With a checksum, nothing is stored until the whole body arrived and matched it; a body that does not match, or
 * that is cut, is discarded whole.
 * <p>
 * Writes block (on storage, on commands): they run on a pool of their own, {@code depot.tus.max-writes} threads, and
 * run to their end whatever happens to the request that started them.
 */
@Component
class TusWriter {

    private static final Logger log = LoggerFactory.getLogger(TusWriter.class);
    private static final int BUFFER = 64 * 1024;

    private final ObjectStorage storage;
    private final CommandGateway commands;
    private final TusProperties properties;
    private final Clock clock;
    private final ThreadPoolExecutor writers;
    private final ExecutorService bodies;
    private final ExecutorService stores;
    private final Counter streamed;
    private final Path spoolDirectory;

    TusWriter(ObjectStorage storage, CommandGateway commands, TusProperties properties, Clock clock,
              MeterRegistry meters) throws IOException {
        this.storage = storage;
        this.commands = commands;
        this.properties = properties;
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        this.writers = new ThreadPoolExecutor(0, properties.maxWrites(), 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "tus-write-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.bodies = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "tus-body-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.stores = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "tus-store-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.streamed = AcceptPart.streamedBytes(meters);
        this.spoolDirectory = properties.spoolDirectory() != null ? properties.spoolDirectory()
                : Path.of(System.getProperty("java.io.tmpdir"), "depot-tus");
        Files.createDirectories(spoolDirectory);
    }

    @PreDestroy
    void stop() {
        writers.shutdown();
        bodies.shutdown();
        stores.shutdown();
    }

    /**
     * Takes the upload's write lease for a new request at {@code offset}, writes {@code body} (declared
     * {@code declaredLength} bytes long, or up to its end when null) and ends the lease. Answers the session after
     * the write; fails with the refusal of the lease (409, 423), with 413 for bytes past the upload's length, with
     * 460 for a checksum that does not match.
     */
    Mono<UploadSessionView> write(String uploadId, String requesterId, long offset, InputStream body,
                                  Long declaredLength, TusProtocol.Checksum checksum) {
        CompletableFuture<UploadSessionView> written;
        try {
            written = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = body) {
                    return new Write(uploadId, requesterId, offset, in, declaredLength, checksum).run();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, writers);
        } catch (RejectedExecutionException e) {
            closeQuietly(body);
            return Mono.error(new DepotException(ErrorCode.SERVICE_UNAVAILABLE, "this instance is writing "
                    + properties.maxWrites() + " uploads already; try again"));
        }
        return Mono.fromFuture(written, true).onErrorMap(CompletionException.class,
                e -> e.getCause() != null ? e.getCause() : e);
    }

    /**
     * The bytes the upload has room for from {@code offset}; refuses a body declared longer than that, and a
     * checksummed one longer than {@code depot.tus.max-chunk}. Checked from the headers before a write takes the
     * lease, and again by the write (the upload may have advanced in between).
     */
    long refuseOversized(UploadPlan plan, long offset, Long declaredLength, TusProtocol.Checksum checksum) {
        long room = (plan.lengthDeferred() ? plan.largestDeclarable() : plan.size()) - offset;
        if (declaredLength != null && declaredLength > room) {
            throw new DepotException(ErrorCode.UPLOAD_LENGTH_EXCEEDED, "the upload has room for " + room
                    + " more bytes from offset " + offset + "; this request sends " + declaredLength);
        }
        if (checksum != null && declaredLength != null && declaredLength > properties.maxChunk().toBytes()) {
            throw new DepotException(ErrorCode.PAYLOAD_TOO_LARGE, "a chunk with a checksum may be at most "
                    + properties.maxChunk().toBytes() + " bytes");
        }
        return room;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to keep
        }
    }

    /** One request's write, from taking the lease to ending it. */
    private final class Write {

        private final String uploadId;
        private final String requesterId;
        private final String writeId = java.util.UUID.randomUUID().toString();
        private final long startOffset;
        private final InputStream in;
        private final Long declaredLength;
        private final TusProtocol.Checksum checksum;
        private final List<Path> spools = new ArrayList<>();
        /** Written by the request's thread and by the part being stored in the background, one at a time. */
        private volatile UploadSessionView session;
        private volatile Instant leaseUntil;
        private int tails;
        /** The whole part being stored while the next one is received: at most one. */
        private CompletableFuture<Void> storing = CompletableFuture.completedFuture(null);

        Write(String uploadId, String requesterId, long startOffset, InputStream in, Long declaredLength,
              TusProtocol.Checksum checksum) {
            this.uploadId = uploadId;
            this.requesterId = requesterId;
            this.startOffset = startOffset;
            this.in = in;
            this.declaredLength = declaredLength;
            this.checksum = checksum;
        }

        UploadSessionView run() {
            renew(startOffset);
            try {
                write();
                awaitStored();
                end();
                return session;
            } catch (RuntimeException e) {
                storing.exceptionally(failure -> null).join();
                endQuietly();
                throw e;
            } finally {
                spools.forEach(TusWriter::deleteQuietly);
            }
        }

        private void write() {
            UploadPlan plan = session.plan();
            long room = refuseOversized(plan, startOffset, declaredLength, checksum);
            if (!plan.lengthDeferred() && plan.size() == 0 && session.parts().isEmpty()) {
                // An empty upload is one empty part.
                storePart(new Window(1, spool(), 0));
            }
            if (room == 0) {
                if (declaredLength == null && hasMore()) {
                    throw new DepotException(ErrorCode.UPLOAD_LENGTH_EXCEEDED, "the upload has all its bytes");
                }
                return;
            }
            MessageDigest digest = checksum == null ? null : checksum.digest();
            List<Window> whole = new ArrayList<>();
            long received = 0;
            boolean cut = false;
            Window last;
            UploadWrite at = session.write();
            int part = (int) ((at.offset() - at.tailLength()) / plan.partSize()) + 1;
            long need = plan.partLength(part) - at.tailLength();
            while (true) {
                long wanted = Math.min(need, room - received);
                Path spool = spool();
                Received got = receive(spool, wanted, digest);
                received += got.bytes();
                last = new Window(part, spool, got.bytes());
                if (got.cut() || (declaredLength != null && got.ended() && received < declaredLength)) {
                    cut = true;
                    break;
                }
                if (got.bytes() < need) {
                    break;
                }
                // The part is whole: it is stored while the next one is received.
                if (checksum == null) {
                    storeInBackground(last);
                } else {
                    whole.add(last);
                }
                last = null;
                if (!plan.lengthDeferred() && part >= plan.partCount()) {
                    break;
                }
                part++;
                need = plan.partLength(part);
                if (received == room) {
                    break;
                }
            }
            awaitStored();
            if (received == room && !cut && declaredLength == null && hasMore()) {
                throw new DepotException(ErrorCode.UPLOAD_LENGTH_EXCEEDED, "the body goes past the upload's length ("
                        + room + " bytes from offset " + startOffset + ")");
            }
            if (checksum != null) {
                if (cut) {
                    throw new DepotException(ErrorCode.MALFORMED_REQUEST, "the chunk was cut off; it is discarded");
                }
                if (!checksum.matches(digest.digest())) {
                    throw new DepotException(ErrorCode.CHUNK_CHECKSUM_MISMATCH, "the chunk's " + checksum.algorithm()
                            + " does not match its Upload-Checksum; it is discarded");
                }
                whole.forEach(this::storePart);
            }
            if (last != null && last.bytes() > 0) {
                storeTail(last);
            }
            if (cut) {
                log.info("a write to upload {} was cut after {} bytes; the upload stands at {}", uploadId, received,
                        session.write().offset());
            }
        }

        /** Whether the body has bytes past what the upload has room for. */
        private boolean hasMore() {
            try {
                return in.read() >= 0;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        private Path spool() {
            try {
                Path spool = Files.createTempFile(spoolDirectory, "part-", ".spool");
                spools.add(spool);
                return spool;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Copies up to {@code wanted} bytes of the body into {@code spool}, renewing the lease as it goes. */
        private Received receive(Path spool, long wanted, MessageDigest digest) {
            byte[] buffer = new byte[BUFFER];
            long copied = 0;
            try (OutputStream out = Files.newOutputStream(spool)) {
                while (copied < wanted) {
                    int n;
                    try {
                        n = in.read(buffer, 0, (int) Math.min(buffer.length, wanted - copied));
                    } catch (IOException | RuntimeException e) {
                        // The connection was cut or went idle (the body's reader passes its failures on as they are).
                        return new Received(copied, true, false);
                    }
                    if (n < 0) {
                        return new Received(copied, false, true);
                    }
                    out.write(buffer, 0, n);
                    if (digest != null) {
                        digest.update(buffer, 0, n);
                    }
                    copied += n;
                    renewIfDue();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not spool a part to " + spool, e);
            }
            return new Received(copied, false, false);
        }

        private void storeInBackground(Window window) {
            awaitStored();
            storing = CompletableFuture.runAsync(() -> storePart(window), stores);
        }

        /** Waits for the part being stored in the background, and fails as it failed. */
        private void awaitStored() {
            try {
                storing.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }

        /** Sends a whole part: the tail storage holds of it, then the spooled rest; then its spool goes. */
        private void storePart(Window window) {
            renewWhenDue();
            UploadWrite at = session.write();
            long length = at.tailLength() + window.bytes();
            String etag;
            try (InputStream body = withTail(at, window)) {
                etag = storage.uploadPart(session.objectKey(), session.storageUploadId(), window.part(), length, body,
                        bodies).block();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            streamed.increment(window.bytes());
            advance(List.of(new UploadedPart(window.part(), etag, length, clock.instant())),
                    at.offset() + window.bytes(), null, 0, lease());
            deleteTail(at.tailKey());
            deleteQuietly(window.spool());
        }

        /** Keeps the bytes of an unfinished part in storage, as a new tail holding the old one's bytes and these. */
        private void storeTail(Window window) {
            UploadWrite at = session.write();
            long length = at.tailLength() + window.bytes();
            String key = UploadWrite.tailKey(session.objectKey(), writeId + "-" + (++tails));
            try (InputStream body = withTail(at, window)) {
                storage.put(key, body, length, bodies).block();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            streamed.increment(window.bytes());
            advance(List.of(), at.offset() + window.bytes(), key, length, lease());
            deleteTail(at.tailKey());
        }

        private InputStream withTail(UploadWrite at, Window window) {
            try {
                InputStream spooled = Files.newInputStream(window.spool());
                if (at.tailKey() == null) {
                    return spooled;
                }
                return new SequenceInputStream(storage.open(at.tailKey()).block(), spooled);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void deleteTail(String key) {
            if (key != null) {
                // The session no longer names it; should this fail, releasing the upload (or reconcile) removes it.
                storage.delete(key).onErrorResume(e -> {
                    log.warn("could not delete tail {} yet: {}", key, e.toString());
                    return Mono.empty();
                }).block();
            }
        }

        private Instant lease() {
            leaseUntil = clock.instant().plus(properties.lease());
            return leaseUntil;
        }

        /** Renews the lease when a third of it is gone; while a part is being stored, storing it renews it. */
        private void renewIfDue() {
            if (storing.isDone()) {
                renewWhenDue();
            }
        }

        private void renewWhenDue() {
            Duration left = Duration.between(clock.instant(), leaseUntil);
            if (left.compareTo(properties.lease().multipliedBy(2).dividedBy(3)) < 0) {
                renew(session.write().offset());
            }
        }

        private void renew(long offset) {
            Instant now = clock.instant();
            session = send(new StartUploadWriteCommand(uploadId, requesterId, writeId, offset, now, lease()));
        }

        private void advance(List<UploadedPart> parts, long offset, String tailKey, long tailLength, Instant until) {
            session = send(new AdvanceUploadWriteCommand(uploadId, requesterId, writeId, parts, offset, tailKey,
                    tailLength, clock.instant(), until));
        }

        /** Ends the lease, if this request still holds it, after a failure; the lease's expiry ends it otherwise. */
        private void endQuietly() {
            if (session == null || !writeId.equals(session.write().writeId())) {
                return;
            }
            try {
                end();
            } catch (RuntimeException e) {
                log.warn("could not end the write lease of upload {}: {}", uploadId, e.toString());
            }
        }

        /** Ends the lease where the upload stands. */
        private void end() {
            UploadWrite at = session.write();
            advance(List.of(), at.offset(), at.tailKey(), at.tailLength(), null);
        }

        private UploadSessionView send(Object command) {
            try {
                return commands.<UploadSessionView>send(command).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete spool file {}: {}", file, e.toString());
        }
    }

    /** The bytes of part {@code part} spooled by this request. */
    private record Window(int part, Path spool, long bytes) {
    }

    /** What one spool received: how many bytes, and whether the body was cut or ended before the spool was full. */
    private record Received(long bytes, boolean cut, boolean ended) {
    }
}
