package io.depot.platform.storage;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.StorageClass;
import io.depot.upload.UploadWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Depot's view of the object store: one bucket, objects keyed by ids, multipart uploads and
 * presigned URLs. Every call is non-blocking; storage failures surface as {@link ErrorCode#STORAGE_UNAVAILABLE}.
 */
public class ObjectStorage {

    private static final Logger log = LoggerFactory.getLogger(ObjectStorage.class);
    /** The largest object S3 copies in one request. */
    static final long MAX_SINGLE_COPY = 5L * 1024 * 1024 * 1024;
    private static final long COPY_PART = 1024L * 1024 * 1024;

    private final S3AsyncClient s3;
    private final QuerySigner signer;
    private final String bucket;
    private final AtomicBoolean partNumberMarkerUnsupported = new AtomicBoolean();

    private final Encryption encryption;
    private final PartStreamer streamer;

    /** {@code signer} signs every presigned URL; it may be null where nothing is presigned. */
    public ObjectStorage(S3AsyncClient s3, QuerySigner signer, String bucket, Encryption encryption) {
        this(s3, signer, bucket, encryption, null);
    }

    /** With {@code streamer}, parts received as network buffers go on to storage through it rather than the S3 client. */
    ObjectStorage(S3AsyncClient s3, QuerySigner signer, String bucket, Encryption encryption, PartStreamer streamer) {
        this.s3 = s3;
        this.signer = signer;
        this.bucket = bucket;
        this.encryption = encryption;
        this.streamer = streamer;
    }

    /** The origin presigned URLs point at (a browser sending parts there must be allowed to), or null. */
    public String presignedOrigin() {
        return signer == null ? null : signer.origin();
    }

    /**
     * Server-side encryption of every object Depot writes: {@code AES256} (SSE-S3), {@code aws:kms} (SSE-KMS, with
     * {@code kmsKeyId} or the account's default key), or none (null) for stores that refuse the header.
     */
    public record Encryption(String algorithm, String kmsKeyId) {

        public static final Encryption NONE = new Encryption(null, null);

        boolean on() {
            return algorithm != null && !algorithm.isBlank();
        }

        String keyId() {
            return on() && kmsKeyId != null && !kmsKeyId.isBlank() ? kmsKeyId : null;
        }
    }

    private String sse() {
        return encryption.on() ? encryption.algorithm() : null;
    }

    /** Completes when the bucket answers; fails when storage is unreachable, refuses the credentials or lacks it. */
    public Mono<Void> checkBucket() {
        return call(() -> s3.headBucket(b -> b.bucket(bucket))).then();
    }

    /** Creates the bucket when it does not exist yet. */
    public Mono<Void> ensureBucket() {
        return call(() -> s3.headBucket(b -> b.bucket(bucket)))
                .then()
                .onErrorResume(e -> e.getCause() instanceof NoSuchBucketException
                                || e.getCause() instanceof S3Exception s && s.statusCode() == 404,
                        e -> {
                            log.info("creating bucket {}", bucket);
                            // Services starting together may each find it missing; the one that creates it second
                            // is told that it owns it already.
                            return call(() -> s3.createBucket(b -> b.bucket(bucket))).then()
                                    .onErrorResume(created -> created.getCause() instanceof BucketAlreadyOwnedByYouException,
                                            created -> Mono.empty());
                        });
    }

    public Mono<String> createMultipartUpload(String key, String contentType, StorageClass storageClass) {
        return call(() -> s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)
                .storageClass(storageClass.name()).serverSideEncryption(sse()).ssekmsKeyId(encryption.keyId())))
                .map(r -> r.uploadId());
    }

    public PresignedUrl presignPart(String key, String storageUploadId, int partNumber, long length, Duration expiry) {
        return signer.sign("PUT", key, Map.of("partNumber", Integer.toString(partNumber), "uploadId", storageUploadId),
                Map.of("content-length", Long.toString(length)), expiry);
    }

    public PresignedUrl presignGet(String key, String filename, String contentType, Duration expiry) {
        return signer.sign("GET", key, Map.of("response-content-disposition", attachment(filename),
                "response-content-type", contentType), Map.of(), expiry);
    }

    /** The {@code Content-Disposition} a download is served with: saved as {@code filename}, any characters kept. */
    static String attachment(String filename) {
        return "attachment; filename*=UTF-8''" + URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Streams one part to storage without holding it in memory; returns its ETag, unquoted. With
     * {@code depot.storage.direct-part-streaming} (the default) the network buffers go on as they arrived
     * ({@link PartStreamer}); without it, through the S3 client, one copy per buffer.
     */
    public Mono<String> uploadPart(String key, String storageUploadId, int partNumber, long length,
                                   Flux<DataBuffer> content) {
        if (streamer != null) {
            return streamer.uploadPart(key, storageUploadId, partNumber, length, content);
        }
        return call(() -> s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(storageUploadId)
                        .partNumber(partNumber).contentLength(length), body(content)))
                .map(r -> unquote(r.eTag()));
    }

    /** Every part storage holds for a multipart upload, in part order. */
    public Mono<List<StoredPart>> listParts(String key, String storageUploadId) {
        // A listing is read-only, so it is retried. S3-compatible stores can fail one that races a part upload:
        // S3Proxy's filesystem store answers 400 while another part of the same upload is still being written (it
        // sees the part's temporary file), which can last as long as a large part takes to write.
        return Flux.from(s3.listPartsPaginator(b -> b.bucket(bucket).key(key).uploadId(storageUploadId)).parts())
                .map(ObjectStorage::storedPart)
                .collectList()
                .retryWhen(Retry.backoff(8, Duration.ofMillis(50)).maxBackoff(Duration.ofSeconds(1))
                        .filter(e -> !isNotFound(unwrap(e)))
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                .onErrorMap(ObjectStorage::translate);
    }

    private static boolean isNotFound(Throwable e) {
        return e instanceof NoSuchUploadException || e instanceof S3Exception s && s.statusCode() == 404;
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /**
     * The part storage holds under {@code partNumber}, if any: one ListParts page starting at that part.
     * Stores that do not implement the part-number marker (S3Proxy) get the whole listing instead.
     */
    public Mono<Optional<StoredPart>> findPart(String key, String storageUploadId, int partNumber) {
        Mono<List<StoredPart>> parts = partNumberMarkerUnsupported.get()
                ? listParts(key, storageUploadId)
                : Mono.fromFuture(() -> s3.listParts(b -> b.bucket(bucket).key(key).uploadId(storageUploadId)
                        .partNumberMarker(partNumber - 1).maxParts(1)))
                .map(r -> r.parts().stream().map(ObjectStorage::storedPart).toList())
                .onErrorResume(e -> unwrap(e) instanceof S3Exception s && (s.statusCode() == 501 || s.statusCode() == 400), e -> {
                    // 501: the store lacks the marker. 400: S3Proxy's listing raced a part being written (see listParts).
                    // Either way the whole listing answers the same question.
                    partNumberMarkerUnsupported.compareAndSet(false, ((S3Exception) unwrap(e)).statusCode() == 501);
                    return listParts(key, storageUploadId);
                })
                .onErrorMap(ObjectStorage::translate);
        return parts.map(found -> found.stream().filter(p -> p.partNumber() == partNumber).findFirst());
    }

    /** Assembles the object from its parts; empty when storage no longer knows the multipart upload. */
    public Mono<Optional<String>> completeMultipartUpload(String key, String storageUploadId, List<StoredPart> parts) {
        List<CompletedPart> completed = new ArrayList<>(parts.size());
        for (StoredPart part : parts) {
            completed.add(CompletedPart.builder().partNumber(part.partNumber()).eTag(part.etag()).build());
        }
        return call(() -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(storageUploadId)
                        .multipartUpload(m -> m.parts(completed))))
                .map(r -> Optional.of(r.eTag()))
                .onErrorResume(e -> e.getCause() instanceof NoSuchUploadException, e -> Mono.just(Optional.empty()));
    }

    public Mono<Void> abortMultipartUpload(String key, String storageUploadId) {
        return call(() -> s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(storageUploadId)))
                .then()
                .onErrorResume(e -> e.getCause() instanceof NoSuchUploadException, e -> Mono.empty());
    }

    /**
     * Releases what an upload that ended without a file holds: its multipart upload, the object it may have been
     * assembled into (a partial tus upload, or one a racing complete assembled), and the tails an in-order (tus)
     * upload kept of unfinished parts. Releasing what is already gone succeeds.
     */
    public Mono<Void> release(String key, String storageUploadId) {
        Mono<Void> multipart = storageUploadId != null ? abortMultipartUpload(key, storageUploadId) : Mono.empty();
        return multipart
                .then(delete(key))
                .then(listKeys(key + UploadWrite.TAIL_INFIX).concatMap(this::delete).then());
    }

    /** Stores part {@code partNumber} from a stream of exactly {@code length} bytes, read on {@code reader}'s threads. */
    public Mono<String> uploadPart(String key, String storageUploadId, int partNumber, long length, InputStream content,
                                   ExecutorService reader) {
        return call(() -> s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(storageUploadId)
                        .partNumber(partNumber).contentLength(length),
                AsyncRequestBody.fromInputStream(content, length, reader)))
                .map(r -> unquote(r.eTag()));
    }

    /** Stores an object from a stream of exactly {@code length} bytes, read on {@code reader}'s threads. */
    public Mono<Void> put(String key, InputStream content, long length, ExecutorService reader) {
        return call(() -> s3.putObject(b -> b.bucket(bucket).key(key).contentLength(length)
                        .serverSideEncryption(sse()).ssekmsKeyId(encryption.keyId()),
                AsyncRequestBody.fromInputStream(content, length, reader))).then();
    }

    /** The object's size and ETag, or empty when there is no such object. */
    public Mono<Optional<StoredObject>> head(String key) {
        return call(() -> s3.headObject(b -> b.bucket(bucket).key(key)))
                .map(r -> Optional.of(new StoredObject(r.contentLength(), unquote(r.eTag()))))
                .onErrorResume(e -> e.getCause() instanceof NoSuchKeyException
                        || e.getCause() instanceof S3Exception s && s.statusCode() == 404,
                        e -> Mono.just(Optional.empty()));
    }

    /** Reads {@code length} bytes of the object from {@code first}: a ranged GET, for sniffing its content. */
    public Mono<byte[]> readRange(String key, long first, long length) {
        return call(() -> s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + first + "-" + (first + length - 1)),
                AsyncResponseTransformer.toBytes()))
                .map(bytes -> bytes.asByteArray());
    }

    /**
     * Opens the object for reading, as a stream that fetches it from storage as it is read: it holds at most a few
     * MiB whatever the object's size, and closing it before the end abandons the rest of the download. Reading
     * blocks, so read it on a worker thread, never on an event loop; failures while reading are the SDK's own
     * exceptions, not translated.
     */
    public Mono<ResponseInputStream<GetObjectResponse>> open(String key) {
        return call(() -> s3.getObject(b -> b.bucket(bucket).key(key), AsyncResponseTransformer.toBlockingInputStream()));
    }

    /** Reads the whole object and returns its SHA-256 as lower-case hex. */
    public Mono<String> sha256(String key) {
        return call(() -> s3.getObject(b -> b.bucket(bucket).key(key), AsyncResponseTransformer.toPublisher()))
                .flatMap(publisher -> {
                    MessageDigest digest = sha256Digest();
                    return Flux.from(publisher)
                            .doOnNext(digest::update)
                            .then(Mono.fromSupplier(() -> HexFormat.of().formatHex(digest.digest())));
                })
                .onErrorMap(ObjectStorage::translate);
    }

    /** Stores a small object held in memory (a rendition), replacing any object at its key. */
    public Mono<Void> put(String key, byte[] content, String contentType) {
        return call(() -> s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType)
                .serverSideEncryption(sse()).ssekmsKeyId(encryption.keyId()), AsyncRequestBody.fromBytes(content))).then();
    }

    /** Stores a file read from disk as it is sent (a transcoded video), replacing any object at its key. */
    public Mono<Void> put(String key, java.nio.file.Path file, String contentType) {
        return call(() -> s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType)
                .serverSideEncryption(sse()).ssekmsKeyId(encryption.keyId()), AsyncRequestBody.fromFile(file))).then();
    }

    public Mono<Void> delete(String key) {
        return call(() -> s3.deleteObject(b -> b.bucket(bucket).key(key))).then();
    }

    /** Every key under {@code prefix}; for operators and tests. */
    public Flux<String> listKeys(String prefix) {
        return listObjects(prefix, null).map(ListedObject::key);
    }

    /** Every object under {@code prefix} after {@code startAfter} (null for all), in key order. */
    public Flux<ListedObject> listObjects(String prefix, String startAfter) {
        return Flux.from(s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).startAfter(startAfter)).contents())
                .map(o -> new ListedObject(o.key(), o.size(), o.lastModified()))
                .onErrorMap(ObjectStorage::translate);
    }

    /** Every unfinished multipart upload's key; for operators and tests. */
    public Flux<String> listMultipartUploads() {
        return listPendingUploads().map(PendingUpload::key);
    }

    /** Every unfinished multipart upload. */
    public Flux<PendingUpload> listPendingUploads() {
        return Flux.from(s3.listMultipartUploadsPaginator(b -> b.bucket(bucket)).uploads())
                .map(u -> new PendingUpload(u.key(), u.uploadId(), u.initiated()))
                .onErrorMap(ObjectStorage::translate);
    }

    /** The unfinished multipart uploads of exactly {@code key}, oldest first as storage lists them. */
    public Flux<PendingUpload> pendingUploads(String key) {
        return Flux.from(s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(key)).uploads())
                .filter(u -> u.key().equals(key))
                .map(u -> new PendingUpload(u.key(), u.uploadId(), u.initiated()))
                .onErrorMap(ObjectStorage::translate);
    }

    /** Where objects go that must leave their key but stay for an operator to inspect: infected or orphaned ones. */
    public static final String QUARANTINE_PREFIX = "quarantine/";

    /**
     * Moves the object at {@code key} to {@code targetKey} (copy, then delete), or deletes it when {@code targetKey}
     * is null. Nothing happens when there is no object at {@code key}, so a repeated move is harmless.
     */
    public Mono<Void> moveOrDelete(String key, String targetKey) {
        return head(key).flatMap(object -> {
            if (object.isEmpty()) {
                return Mono.<Void>empty();
            }
            Mono<Void> copied = targetKey == null ? Mono.empty() : copy(key, targetKey, object.get().size());
            return copied.then(delete(key));
        });
    }

    /**
     * Copies an object of {@code size} bytes within the bucket, replacing what {@code targetKey} held. Objects over
     * S3's 5 GiB limit for one copy are copied part by part, storage side, without passing through Depot.
     */
    public Mono<Void> copy(String sourceKey, String targetKey, long size) {
        return copy(sourceKey, targetKey, size, null);
    }

    /**
     * Copies an object as {@link #copy(String, String, long)} does, into {@code storageClass} (null: the bucket's
     * default); the copy keeps the source's content type and metadata.
     */
    public Mono<Void> copy(String sourceKey, String targetKey, long size, StorageClass storageClass) {
        if (size <= MAX_SINGLE_COPY) {
            return call(() -> s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(sourceKey)
                    .destinationBucket(bucket).destinationKey(targetKey)
                    .metadataDirective(MetadataDirective.COPY).storageClass(className(storageClass))
                    .serverSideEncryption(sse()).ssekmsKeyId(encryption.keyId()))).then();
        }
        return copyInParts(sourceKey, targetKey, size, COPY_PART, storageClass);
    }

    /** Copies an object of {@code size} bytes as a multipart upload of {@code partSize} byte ranges. */
    public Mono<Void> copyInParts(String sourceKey, String targetKey, long size, long partSize) {
        return copyInParts(sourceKey, targetKey, size, partSize, null);
    }

    /**
     * Copies an object of {@code size} bytes as a multipart upload of {@code partSize} byte ranges, into
     * {@code storageClass} (null: the bucket's default). A multipart copy does not carry the source's content type
     * over by itself: it is read first and given to the new upload.
     */
    public Mono<Void> copyInParts(String sourceKey, String targetKey, long size, long partSize,
                                  StorageClass storageClass) {
        return call(() -> s3.headObject(b -> b.bucket(bucket).key(sourceKey)))
                .flatMap(source -> call(() -> s3.createMultipartUpload(b -> b.bucket(bucket).key(targetKey)
                        .contentType(source.contentType()).metadata(source.metadata())
                        .storageClass(className(storageClass))
                        .serverSideEncryption(sse()).ssekmsKeyId(encryption.keyId()))))
                .map(r -> r.uploadId())
                .flatMap(uploadId -> Flux.range(1, (int) ((size + partSize - 1) / partSize))
                        .concatMap(part -> {
                            long first = (part - 1) * partSize;
                            long last = Math.min(size, first + partSize) - 1;
                            return call(() -> s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(sourceKey)
                                    .destinationBucket(bucket).destinationKey(targetKey).uploadId(uploadId)
                                    .partNumber(part).copySourceRange("bytes=" + first + "-" + last)))
                                    .map(r -> CompletedPart.builder().partNumber(part).eTag(r.copyPartResult().eTag()).build());
                        })
                        .collectList()
                        .flatMap(parts -> call(() -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(targetKey)
                                .uploadId(uploadId).multipartUpload(m -> m.parts(parts)))))
                        .onErrorResume(e -> abortMultipartUpload(targetKey, uploadId).then(Mono.error(e))))
                .then();
    }

    private static String className(StorageClass storageClass) {
        return storageClass == null ? null : storageClass.name();
    }

    public String bucket() {
        return bucket;
    }

    private static AsyncRequestBody body(Flux<DataBuffer> content) {
        // One copy per network chunk lets the buffer go back to the pool at once; demand keeps memory bounded.
        Flux<ByteBuffer> buffers = content.map(buffer -> {
            try {
                byte[] bytes = new byte[buffer.readableByteCount()];
                buffer.read(bytes);
                return ByteBuffer.wrap(bytes);
            } finally {
                DataBufferUtils.release(buffer);
            }
        });
        return AsyncRequestBody.fromPublisher(buffers);
    }

    private static StoredPart storedPart(Part part) {
        return new StoredPart(part.partNumber(), unquote(part.eTag()), part.size());
    }

    /** An ETag without the quotes HTTP puts around it; storage and clients write it either way. */
    public static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> Mono<T> call(Supplier<CompletableFuture<T>> request) {
        return Mono.fromFuture(request).onErrorMap(ObjectStorage::translate);
    }

    /**
     * Client-side failures and storage's own 5xx become {@link ErrorCode#STORAGE_UNAVAILABLE}; the S3 error
     * stays the cause so callers can tell a missing key or upload from an outage.
     */
    static Throwable translate(Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof DepotException) {
            return e;
        }
        if (e instanceof S3Exception s3 && s3.statusCode() == 404) {
            return new DepotException(ErrorCode.NOT_FOUND, "storage does not hold it", s3);
        }
        if (e instanceof S3Exception s3 && s3.statusCode() == 400) {
            // Depot builds every storage request itself from what it already checked: a refusal is storage's
            // answer to Depot, never the client's mistake, so it is not the client's 400.
            var details = s3.awsErrorDetails();
            String reason = details.errorCode() == null ? "no reason given" : details.errorCode();
            log.warn("object storage refused a request: {}", e.toString());
            return new DepotException(ErrorCode.STORAGE_ERROR, "storage refused the request (" + reason + ")", s3);
        }
        if (e instanceof SdkClientException || e instanceof S3Exception) {
            log.warn("object storage call failed: {}", e.toString());
            return new DepotException(ErrorCode.STORAGE_UNAVAILABLE, "object storage is unavailable, retry later", e);
        }
        return e;
    }
}
