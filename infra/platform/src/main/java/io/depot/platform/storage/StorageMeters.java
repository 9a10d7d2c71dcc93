package io.depot.platform.storage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.time.Duration;

/**
 * Times every call the S3 client makes, retries included: {@code depot.storage.requests}
 * ({@code depot_storage_requests_seconds_count}) by {@code operation} (the S3 API name, e.g. {@code UploadPart}) and
 * {@code outcome}: {@code success}, {@code client_error} (storage answered 4xx: a missing key is one, and some are
 * expected), {@code server_error} (5xx) or {@code unreachable} (no answer: connection refused, timeout). Presigned
 * URLs are signed here without a call, and are not counted.
 */
final class StorageMeters implements ExecutionInterceptor {

    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("depot.storage.started");

    private final MeterRegistry meters;

    StorageMeters(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(attributes, "success");
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Throwable failure = context.exception();
        while (failure.getCause() != null && !(failure instanceof AwsServiceException)) {
            failure = failure.getCause();
        }
        String outcome = failure instanceof AwsServiceException service
                ? service.statusCode() >= 500 ? "server_error" : "client_error"
                : "unreachable";
        record(attributes, outcome);
    }

    private void record(ExecutionAttributes attributes, String outcome) {
        Long started = attributes.getAttribute(STARTED);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Timer.builder("depot.storage.requests")
                .description("Calls to object storage, by S3 operation and outcome")
                .tag("operation", operation == null ? "unknown" : operation)
                .tag("outcome", outcome)
                .register(meters)
                .record(Duration.ofNanos(started == null ? 0 : System.nanoTime() - started));
    }
}
