package io.depot.platform.tracing;

import io.opentelemetry.api.trace.Span;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.tracing.SpanFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * A dead letter retried outside an event processor's span (by the retrier's schedule) is handled in the trace of
 * its event, so a worker that succeeds on its second try still leaves the file's trace whole: the events it appends
 * carry that trace on. Axon starts such a retry with no span, and everything the handler does would otherwise open a
 * trace of its own. Within {@code sameTraceLimit} of the event, the retry is a child of the event's span; a later one
 * starts a trace linked to it, as {@link DeadlineTraces} does for deadlines. Handling inside a span (a processor's,
 * or an operator's retry request) keeps that span.
 */
final class RetriedEventTraces implements MessageHandlerInterceptor<EventMessage<?>> {

    private static final String TRACEPARENT = "traceparent";

    private final SpanFactory spanFactory;
    private final Duration sameTraceLimit;
    private final Clock clock;

    RetriedEventTraces(SpanFactory spanFactory, Duration sameTraceLimit, Clock clock) {
        this.spanFactory = spanFactory;
        this.sameTraceLimit = sameTraceLimit;
        this.clock = clock;
    }

    @Override
    public Object handle(UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain chain) throws Exception {
        EventMessage<?> event = unitOfWork.getMessage();
        if (Span.current().getSpanContext().isValid() || !event.getMetaData().containsKey(TRACEPARENT)) {
            return chain.proceed();
        }
        boolean recent = !clock.instant().isAfter(event.getTimestamp().plus(sameTraceLimit));
        org.axonframework.tracing.Span span = recent
                ? spanFactory.createChildHandlerSpan(() -> "DeadLetter.retry", event)
                : spanFactory.createLinkedHandlerSpan(() -> "DeadLetter.retry", event);
        return span.runCallable(chain::proceed);
    }
}
