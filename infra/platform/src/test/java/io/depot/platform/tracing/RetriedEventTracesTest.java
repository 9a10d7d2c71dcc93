package io.depot.platform.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.tracing.SpanFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class RetriedEventTracesTest {

    static final Instant PUBLISHED = Instant.parse("2026-11-30T12:00:00Z");
    static final Duration LIMIT = Duration.ofMinutes(10);

    @RegisterExtension
    final TestTracing tracing = new TestTracing();
    private final Tracer tracer = tracing.tracer;
    private final SpanFactory spanFactory = tracing.spanFactory;

    /** An event appended inside {@code publishing}, carrying its trace as every traced event does. */
    private EventMessage<?> publishedWithin(Span publishing) {
        try (Scope ignored = publishing.makeCurrent()) {
            return spanFactory.propagateContext(new GenericEventMessage<>(
                    new GenericEventMessage<>("file verified"), () -> PUBLISHED));
        }
    }

    /** Handles {@code event} as a dead letter's retry at {@code now}; returns the span the handler ran in. */
    private SpanContext retried(EventMessage<?> event, Instant now) throws Exception {
        RetriedEventTraces traces = new RetriedEventTraces(spanFactory, LIMIT, Clock.fixed(now, ZoneOffset.UTC));
        AtomicReference<SpanContext> handledIn = new AtomicReference<>();
        DefaultUnitOfWork<EventMessage<?>> unitOfWork = DefaultUnitOfWork.startAndGet(event);
        unitOfWork.executeWithResult(() -> traces.handle(unitOfWork, () -> {
            handledIn.set(Span.current().getSpanContext());
            return null;
        }));
        return handledIn.get();
    }

    private SpanData retrySpan() {
        return tracing.finished("DeadLetter.retry");
    }

    @Test
    void aRetrySoonAfterTheEventRunsInTheEventsTrace() throws Exception {
        Span publishing = tracer.spanBuilder("verification").startSpan();
        EventMessage<?> event = publishedWithin(publishing);
        publishing.end();

        SpanContext handledIn = retried(event, PUBLISHED.plus(Duration.ofMinutes(2)));
        assertThat(handledIn.getTraceId()).isEqualTo(publishing.getSpanContext().getTraceId());
        SpanData retry = retrySpan();
        assertThat(retry.getSpanId()).isEqualTo(handledIn.getSpanId());
        assertThat(retry.getParentSpanId()).isEqualTo(publishing.getSpanContext().getSpanId());
    }

    @Test
    void aRetryLongAfterTheEventStartsATraceLinkedToIt() throws Exception {
        Span publishing = tracer.spanBuilder("verification").startSpan();
        EventMessage<?> event = publishedWithin(publishing);
        publishing.end();

        SpanContext handledIn = retried(event, PUBLISHED.plus(LIMIT).plusSeconds(1));
        assertThat(handledIn.isValid()).isTrue();
        assertThat(handledIn.getTraceId()).isNotEqualTo(publishing.getSpanContext().getTraceId());
        assertThat(retrySpan().getLinks()).extracting(LinkData::getSpanContext).extracting(SpanContext::getSpanId)
                .containsExactly(publishing.getSpanContext().getSpanId());
    }

    @Test
    void handlingInsideASpanStaysInIt() throws Exception {
        Span publishing = tracer.spanBuilder("verification").startSpan();
        EventMessage<?> event = publishedWithin(publishing);
        publishing.end();
        Span processing = tracer.spanBuilder("processor or operator request").startSpan();

        SpanContext handledIn;
        try (Scope ignored = processing.makeCurrent()) {
            handledIn = retried(event, PUBLISHED.plusSeconds(1));
        }
        assertThat(handledIn).isEqualTo(processing.getSpanContext());
        assertThat(tracing.spans.getFinishedSpanItems())
                .noneMatch(span -> span.getName().startsWith("DeadLetter.retry"));
    }

    @Test
    void anUntracedEventIsHandledAsBeforeAndAFailureEndsTheRetrySpanAsAnError() throws Exception {
        EventMessage<?> untraced = new GenericEventMessage<>(new GenericEventMessage<>("old event"), () -> PUBLISHED);
        assertThat(retried(untraced, PUBLISHED.plusSeconds(1)).isValid()).isFalse();

        Span publishing = tracer.spanBuilder("verification").startSpan();
        EventMessage<?> event = publishedWithin(publishing);
        publishing.end();
        RetriedEventTraces traces = new RetriedEventTraces(spanFactory, LIMIT,
                Clock.fixed(PUBLISHED.plusSeconds(1), ZoneOffset.UTC));
        DefaultUnitOfWork<EventMessage<?>> unitOfWork = DefaultUnitOfWork.startAndGet(event);
        var result = unitOfWork.executeWithResult(() -> traces.handle(unitOfWork, () -> {
            throw new IllegalStateException("storage down");
        }));
        assertThat(result.exceptionResult()).hasMessage("storage down");
        assertThat(retrySpan().getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
    }
}
