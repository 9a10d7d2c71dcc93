package io.depot.platform.storage;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.RetrievalTier;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link ArchiveRetrieval} on S3: RestoreObject, and HeadObject's {@code x-amz-restore} header. */
final class S3ArchiveRetrieval implements ArchiveRetrieval {

    private static final Pattern ONGOING = Pattern.compile("ongoing-request=\"(true|false)\"");
    private static final Pattern EXPIRY = Pattern.compile("expiry-date=\"([^\"]+)\"");

    private final S3AsyncClient s3;
    private final String bucket;

    S3ArchiveRetrieval(S3AsyncClient s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public Mono<Void> requestRestore(String key, int days, RetrievalTier tier) {
        return Mono.fromFuture(() -> s3.restoreObject(b -> b.bucket(bucket).key(key)
                        .restoreRequest(r -> r.days(days).glacierJobParameters(g -> g.tier(tier.s3Name())))))
                .then()
                // 409 RestoreAlreadyInProgress: an earlier delivery asked already.
                .onErrorResume(e -> unwrap(e) instanceof S3Exception s && s.statusCode() == 409, e -> Mono.empty())
                .onErrorMap(e -> unwrap(e) instanceof S3Exception s && s.statusCode() == 501,
                        e -> new DepotException(ErrorCode.STORAGE_ERROR, "storage does not implement RestoreObject", e))
                .onErrorMap(ObjectStorage::translate);
    }

    @Override
    public Mono<RestoreStatus> restoreStatus(String key) {
        return Mono.fromFuture(() -> s3.headObject(b -> b.bucket(bucket).key(key)))
                .map(r -> parse(r.restore()))
                .onErrorResume(e -> unwrap(e) instanceof S3Exception s && s.statusCode() == 404, e -> Mono.empty())
                .onErrorMap(ObjectStorage::translate);
    }

    /** {@code ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"}, or null when none was asked for. */
    static RestoreStatus parse(String header) {
        if (header == null || header.isBlank()) {
            return RestoreStatus.NONE;
        }
        Matcher ongoing = ONGOING.matcher(header);
        boolean running = ongoing.find() && Boolean.parseBoolean(ongoing.group(1));
        Matcher expiry = EXPIRY.matcher(header);
        Instant until = expiry.find()
                ? ZonedDateTime.parse(expiry.group(1), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant() : null;
        return new RestoreStatus(running, until);
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
