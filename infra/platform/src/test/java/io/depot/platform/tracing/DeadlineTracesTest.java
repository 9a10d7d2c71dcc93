package io.depot.platform.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.axonframework.deadline.DeadlineMessage;
import org.axonframework.deadline.GenericDeadlineMessage;
import org.axonframework.tracing.SpanFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlineTracesTest {

    static final Instant SCHEDULED = Instant.parse("2026-11-30T12:00:00Z");
    static final Duration LIMIT = Duration.ofMinutes(10);

    @RegisterExtension
    final TestTracing tracing = new TestTracing();
    private final Tracer tracer = tracing.tracer;
    private final SpanFactory spanFactory = tracing.spanFactory;

    private DeadlineTraces at(Instant now) {
        return new DeadlineTraces(spanFactory, LIMIT, Clock.fixed(now, ZoneOffset.UTC));
    }

    /** A deadline scheduled inside {@code scheduling}, as the deadline manager stores it. */
    private DeadlineMessage<?> scheduledWithin(Span scheduling) {
        DeadlineMessage<?> deadline = GenericDeadlineMessage.asDeadlineMessage("retry", "attempt 2",
                SCHEDULED.plusSeconds(5));
        try (Scope ignored = scheduling.makeCurrent()) {
            DeadlineTraces traces = at(SCHEDULED);
            return traces.handle(List.of(deadline)).apply(0, deadline);
        }
    }

    private SpanData executed(DeadlineMessage<?> deadline, Instant now) {
        at(now).createExecuteSpan("retry", "d-1", deadline).start().end();
        return tracing.finished("DeadlineManager.executeDeadline(retry)");
    }

    @Test
    void aDeadlineDueSoonRunsAsAChildOfTheSpanThatScheduledIt() {
        Span scheduling = tracer.spanBuilder("saga handler").startSpan();
        DeadlineMessage<?> deadline = scheduledWithin(scheduling);
        scheduling.end();

        assertThat(deadline.getMetaData()).containsKey("traceparent")
                .containsEntry(DeadlineTraces.SCHEDULED_AT, SCHEDULED.toString());
        SpanData execution = executed(deadline, SCHEDULED.plus(Duration.ofMinutes(3)));
        assertThat(execution.getTraceId()).isEqualTo(scheduling.getSpanContext().getTraceId());
        assertThat(execution.getParentSpanId()).isEqualTo(scheduling.getSpanContext().getSpanId());
        assertThat(execution.getAttributes().asMap().toString()).contains("d-1");
    }

    @Test
    void aDeadlineDueLaterStartsATraceLinkedToTheOneThatScheduledIt() {
        Span scheduling = tracer.spanBuilder("upload initiated").startSpan();
        DeadlineMessage<?> deadline = scheduledWithin(scheduling);
        scheduling.end();

        SpanData execution = executed(deadline, SCHEDULED.plus(LIMIT).plusSeconds(1));
        SpanContext scheduled = scheduling.getSpanContext();
        assertThat(execution.getTraceId()).isNotEqualTo(scheduled.getTraceId());
        assertThat(execution.getParentSpanContext().isValid()).isFalse();
        assertThat(execution.getLinks()).extracting(LinkData::getSpanContext)
                .anySatisfy(link -> {
                    assertThat(link.getTraceId()).isEqualTo(scheduled.getTraceId());
                    assertThat(link.getSpanId()).isEqualTo(scheduled.getSpanId());
                });
    }

    @Test
    void aDeadlineScheduledOutsideAnyTraceOrBeforeThisChangeStartsATraceOfItsOwn() {
        DeadlineMessage<?> old = GenericDeadlineMessage.asDeadlineMessage("retry", "attempt 2", SCHEDULED);
        DeadlineMessage<?> untraced = at(SCHEDULED).handle(List.of(old)).apply(0, old);
        assertThat(untraced.getMetaData()).doesNotContainKey("traceparent")
                .containsKey(DeadlineTraces.SCHEDULED_AT);

        SpanData first = executed(untraced, SCHEDULED.plusSeconds(1));
        tracing.spans.reset();
        SpanData second = executed(old, SCHEDULED.plusSeconds(1));
        assertThat(List.of(first, second)).allSatisfy(span -> {
            assertThat(span.getParentSpanContext().isValid()).isFalse();
            assertThat(span.getTraceId()).isNotEqualTo(SpanContext.getInvalid().getTraceId());
        });
        assertThat(first.getTraceId()).isNotEqualTo(second.getTraceId());
    }
}
