package io.depot.platform.axon;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command that loses an optimistic-concurrency race is sent again from the gateway's retry executor, on a thread
 * of its own: the retry still runs in the trace of the request that sent it.
 */
class CommandRetryTraceTest {

    @Test
    void aCommandRetriedAfterAConcurrencyConflictStaysInItsTrace() throws Exception {
        AggregateConfiguration configuration = new AggregateConfiguration();
        ScheduledExecutorService retries = configuration.commandRetryExecutor();
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        List<SpanContext> attempts = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        bus.subscribe(String.class.getName(), (CommandMessage<?> command) -> {
            attempts.add(Span.current().getSpanContext());
            threads.add(Thread.currentThread().getName());
            if (attempts.size() == 1) {
                throw new ConcurrencyException("another instance appended first");
            }
            return "done";
        });
        CommandGateway gateway = configuration.commandGateway(bus, retries);

        try (SdkTracerProvider provider = SdkTracerProvider.builder().build()) {
            Span request = provider.get("test").spanBuilder("POST /v1/uploads/{id}/complete").startSpan();
            Object result;
            try (Scope ignored = request.makeCurrent()) {
                result = gateway.send("complete").get(10, TimeUnit.SECONDS);
            } finally {
                request.end();
            }

            assertThat(result).isEqualTo("done");
            assertThat(attempts).hasSize(2).allSatisfy(attempt -> {
                assertThat(attempt.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
                assertThat(attempt.getSpanId()).isEqualTo(request.getSpanContext().getSpanId());
            });
            assertThat(threads.get(1)).as("the retry ran on the retry executor").isNotEqualTo(threads.get(0));
        } finally {
            retries.shutdownNow();
        }
    }
}
