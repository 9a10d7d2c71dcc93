package io.depot.platform.tracing;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.axonframework.tracing.SpanFactory;
import org.axonframework.tracing.opentelemetry.OpenTelemetrySpanFactory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An OpenTelemetry SDK that keeps its spans in memory, and Axon's span factory on it as the services build it; shut
 * down after each test.
 */
final class TestTracing implements AfterEachCallback {

    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    final Tracer tracer = provider.get("test");
    final SpanFactory spanFactory = OpenTelemetrySpanFactory.builder()
            .tracer(tracer).contextPropagators(W3CTraceContextPropagator.getInstance()).build();

    /** The first finished span whose name starts with {@code prefix} (Axon appends the message's name). */
    SpanData finished(String prefix) {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getName().startsWith(prefix))
                .findFirst().orElseThrow(() -> new AssertionError(prefix + " not in " + spans.getFinishedSpanItems()));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        provider.close();
    }
}
