package io.depot.platform.storage;

import io.depot.file.RetrievalTier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.RestoreObjectRequest;
import software.amazon.awssdk.services.s3.model.RestoreObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 calls behind archive retrievals, which no store here implements: the requests Depot builds are captured
 * from the SDK client, and the answers are those S3 documents.
 */
class S3ArchiveRetrievalTest {

    @Test
    void aRestoreAsksForTheDaysAndTierGiven() {
        var sent = new AtomicReference<RestoreObjectRequest>();
        var retrieval = new S3ArchiveRetrieval(client(sent, null, null), "depot");
        retrieval.requestRestore("objects/f/u.glacier", 3, RetrievalTier.BULK).block();
        assertThat(sent.get().bucket()).isEqualTo("depot");
        assertThat(sent.get().key()).isEqualTo("objects/f/u.glacier");
        assertThat(sent.get().restoreRequest().days()).isEqualTo(3);
        assertThat(sent.get().restoreRequest().glacierJobParameters().tierAsString()).isEqualTo("Bulk");
    }

    @Test
    void aRestoreAlreadyUnderWayIsNoFailure() {
        S3Exception inProgress = (S3Exception) S3Exception.builder().statusCode(409)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("RestoreAlreadyInProgress").build()).build();
        var retrieval = new S3ArchiveRetrieval(client(new AtomicReference<>(), inProgress, null), "depot");
        retrieval.requestRestore("objects/f/u.glacier", 1, RetrievalTier.STANDARD).block();
    }

    @Test
    void theRestoreHeaderSaysWhetherACopyIsReadableAndUntilWhen() {
        var retrieval = new S3ArchiveRetrieval(client(new AtomicReference<>(), null,
                "ongoing-request=\"false\", expiry-date=\"Fri, 21 Dec 2012 00:00:00 GMT\""), "depot");
        var status = retrieval.restoreStatus("objects/f/u.glacier").block();
        assertThat(status.completed()).isTrue();
        assertThat(status.until()).isEqualTo(Instant.parse("2012-12-21T00:00:00Z"));
        assertThat(S3ArchiveRetrieval.parse("ongoing-request=\"true\"").ongoing()).isTrue();
        assertThat(S3ArchiveRetrieval.parse("ongoing-request=\"true\"").completed()).isFalse();
        assertThat(S3ArchiveRetrieval.parse(null)).isEqualTo(ArchiveRetrieval.RestoreStatus.NONE);
    }

    @SuppressWarnings("unchecked")
    private static S3AsyncClient client(AtomicReference<RestoreObjectRequest> sent, S3Exception refusal, String header) {
        return (S3AsyncClient) Proxy.newProxyInstance(S3AsyncClient.class.getClassLoader(),
                new Class<?>[]{S3AsyncClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("restoreObject") && args[0] instanceof Consumer<?> build) {
                        var builder = RestoreObjectRequest.builder();
                        ((Consumer<RestoreObjectRequest.Builder>) build).accept(builder);
                        sent.set(builder.build());
                        return refusal != null ? CompletableFuture.failedFuture(refusal)
                                : CompletableFuture.completedFuture(RestoreObjectResponse.builder().build());
                    }
                    if (method.getName().equals("headObject") && args[0] instanceof Consumer<?> build) {
                        ((Consumer<HeadObjectRequest.Builder>) build).accept(HeadObjectRequest.builder());
                        return CompletableFuture.completedFuture(HeadObjectResponse.builder().restore(header).build());
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
