package io.depot.platform.tracing;

import org.axonframework.deadline.DeadlineManagerSpanFactory;
import org.axonframework.deadline.DeadlineMessage;
import org.axonframework.deadline.DefaultDeadlineManagerSpanFactory;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.ScopeDescriptor;
import org.axonframework.tracing.SpanFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A deadline carries the trace of the handler that scheduled it, so a saga's step retried after a failed command is
 * part of the file's trace like the first attempt. Axon's persistent deadline manager stores no trace context with a
 * deadline and starts every execution as a trace of its own; as a dispatch interceptor this adds the current trace
 * context and the time of scheduling to the deadline's metadata, and as the deadline span factory it runs an execution
 * due within {@code sameTraceLimit} of its scheduling as a child of the scheduling span. A later one (an upload's
 * expiry, a day on) starts a trace linked to it instead: a trace stays a bounded stretch of time.
 */
final class DeadlineTraces implements DeadlineManagerSpanFactory, MessageDispatchInterceptor<DeadlineMessage<?>> {

    /** Metadata key of the instant a deadline was scheduled at. */
    static final String SCHEDULED_AT = "deadlineScheduledAt";

    private final SpanFactory spanFactory;
    private final DeadlineManagerSpanFactory defaults;
    private final Duration sameTraceLimit;
    private final Clock clock;

    DeadlineTraces(SpanFactory spanFactory, Duration sameTraceLimit, Clock clock) {
        this.spanFactory = spanFactory;
        this.defaults = DefaultDeadlineManagerSpanFactory.builder().spanFactory(spanFactory).build();
        this.sameTraceLimit = sameTraceLimit;
        this.clock = clock;
    }

    /** The current trace context, as the span factory puts it into every message it sends, and the time. */
    @Override
    public BiFunction<Integer, DeadlineMessage<?>, DeadlineMessage<?>> handle(
            List<? extends DeadlineMessage<?>> messages) {
        return (index, message) -> spanFactory.propagateContext(message)
                .andMetaData(Map.of(SCHEDULED_AT, clock.instant().toString()));
    }

    @Override
    public org.axonframework.tracing.Span createExecuteSpan(String deadlineName, String deadlineId,
                                                            DeadlineMessage<?> deadlineMessage) {
        String name = "DeadlineManager.executeDeadline(" + deadlineName + ")";
        org.axonframework.tracing.Span span = withinSameTrace(deadlineMessage)
                ? spanFactory.createChildHandlerSpan(() -> name, deadlineMessage)
                : spanFactory.createLinkedHandlerSpan(() -> name, deadlineMessage);
        return span.addAttribute("axon.deadlineId", deadlineId);
    }

    private boolean withinSameTrace(DeadlineMessage<?> deadline) {
        if (!(deadline.getMetaData().get(SCHEDULED_AT) instanceof String scheduledAt)) {
            return false;
        }
        try {
            return !clock.instant().isAfter(Instant.parse(scheduledAt).plus(sameTraceLimit));
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    @Override
    public org.axonframework.tracing.Span createScheduleSpan(String deadlineName, String deadlineId,
                                                             DeadlineMessage<?> deadlineMessage) {
        return defaults.createScheduleSpan(deadlineName, deadlineId, deadlineMessage);
    }

    @Override
    public org.axonframework.tracing.Span createCancelScheduleSpan(String deadlineName, String deadlineId) {
        return defaults.createCancelScheduleSpan(deadlineName, deadlineId);
    }

    @Override
    public org.axonframework.tracing.Span createCancelAllSpan(String deadlineName) {
        return defaults.createCancelAllSpan(deadlineName);
    }

    @Override
    public org.axonframework.tracing.Span createCancelAllWithinScopeSpan(String deadlineName,
                                                                         ScopeDescriptor scopeDescriptor) {
        return defaults.createCancelAllWithinScopeSpan(deadlineName, scopeDescriptor);
    }

    @Override
    public <T> DeadlineMessage<T> propagateContext(DeadlineMessage<T> deadlineMessage) {
        return defaults.propagateContext(deadlineMessage);
    }
}
