package io.depot.platform.axon;

import io.depot.platform.tracing.LogContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.responsetypes.ResponseType;
import org.axonframework.queryhandling.QueryGateway;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Sends messages from reactive code. Axon's local buses run handlers, and their JDBC work, on the
 * sending thread, so every send leaves the event loop first. The request's trace and log context go along:
 * thread locals do not follow a Reactor chain to another thread, and a command sent without them would start
 * a trace of its own and log without its user.
 * <p>
 * A command whose request is cancelled meanwhile (its client went away, a timeout) is never interrupted: one
 * interrupted between its JDBC calls would fail halfway for no reason of its own. It runs to its end, and its answer
 * is dropped. A query is: a read no one waits for any more (a read model that does not answer in time) stops and
 * gives back its connections rather than holding them until its store's own timeout. (An interrupt reaching a file
 * channel closes it; the all-in-one's embedded H2 uses a channel interrupts cannot close.)
 */
public final class Dispatch {

    /** Boundedly elastic threads, given tasks no one disposes: so none is interrupted. */
    private static final Executor BLOCKING = task -> Schedulers.boundedElastic().schedule(task);

    private Dispatch() {
    }

    public static <R> Mono<R> command(CommandGateway gateway, Object command) {
        return Mono.deferContextual(view -> {
            Supplier<CompletableFuture<R>> send = withContext(view, () -> gateway.<R>send(command));
            return Mono.fromFuture(() -> CompletableFuture.supplyAsync(send, BLOCKING).thenCompose(sent -> sent), true);
        });
    }

    public static <R> Mono<R> query(QueryGateway gateway, Object query, ResponseType<R> responseType) {
        return Mono.deferContextual(view -> Mono.fromFuture(withContext(view, () -> gateway.query(query, responseType)))
                .subscribeOn(Schedulers.boundedElastic()));
    }

    /** {@code send}, run with the trace and log context of the reactive chain that asks for it. */
    private static <R> Supplier<CompletableFuture<R>> withContext(ContextView view,
                                                                  Supplier<CompletableFuture<R>> send) {
        Context trace = Context.current();
        Map<String, String> log = LogContext.from(view);
        return () -> {
            Map<String, String> replaced = LogContext.put(log);
            try (Scope ignored = trace.makeCurrent()) {
                return send.get();
            } finally {
                LogContext.restore(replaced);
            }
        };
    }
}
