package io.depot.platform.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import org.slf4j.MDC;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * A client span per S3 call, child of whatever runs it (a request, a command or event handler), named for the
 * operation and carrying the upload and file ids of the handler that made it. The SDK runs
 * {@link #beforeExecution} on the calling thread, so the caller's context and MDC are there to read.
 */
final class S3CallSpans implements ExecutionInterceptor {

    private static final ExecutionAttribute<Span> SPAN = new ExecutionAttribute<>("DepotS3CallSpan");

    private final Tracer tracer;

    S3CallSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Span span = tracer.spanBuilder("S3." + operation)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("rpc.system", "aws-api")
                .setAttribute("rpc.service", "S3")
                .setAttribute("rpc.method", operation)
                .startSpan();
        context.request().getValueForField("Bucket", String.class)
                .ifPresent(bucket -> span.setAttribute("aws.s3.bucket", bucket));
        for (String key : new String[] {LogContext.UPLOAD_ID, LogContext.FILE_ID}) {
            String id = MDC.get(key);
            if (id != null) {
                span.setAttribute(TracingAutoConfiguration.ATTRIBUTE_PREFIX + key, id);
            }
        }
        attributes.putAttribute(SPAN, span);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Span span = attributes.getAttribute(SPAN);
        if (span != null) {
            span.setAttribute("http.response.status_code", context.httpResponse().statusCode());
            span.end();
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Span span = attributes.getAttribute(SPAN);
        if (span != null) {
            span.setStatus(StatusCode.ERROR, context.exception().getClass().getSimpleName());
            span.recordException(context.exception());
            span.end();
        }
    }
}
