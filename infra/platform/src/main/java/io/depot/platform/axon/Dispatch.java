package io.depot.platform.axon;

import io.depot.platform.tracing.LogContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.responsetypes.ResponseType;
import org.axonframework.queryhandling.QueryGateway;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

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
 * A request cancelled meanwhile (its client went away) never interrupts the thread doing the work: a command
 * interrupted between its JDBC calls would fail halfway for no reason of its own, and an interrupt reaching a
 * file channel closes it, which for an embedded H2 database closes the whole database. The work runs to its end,
 * and its answer is dropped.
 */
public final class Dispatch {

    /** Boundedly elastic threads, given tasks no one disposes: so none is interrupted. */
    private static final Executor BLOCKING = task -> Schedulers.boundedElastic().schedule(task);

    private Dispatch() {
    }

    public static <R> Mono<R> command(CommandGateway gateway, Object command) {
        return offEventLoop(() -> gateway.<R>send(command));
    }

    public static <R> Mono<R> query(QueryGateway gateway, Object query, ResponseType<R> responseType) {
        return offEventLoop(() -> gateway.query(query, responseType));
    }

    private static <R> Mono<R> offEventLoop(Supplier<CompletableFuture<R>> send) {
        return Mono.deferContextual(view -> {
            Context trace = Context.current();
            Map<String, String> log = LogContext.from(view);
            return Mono.fromFuture(() -> CompletableFuture.supplyAsync(() -> {
                Map<String, String> replaced = LogContext.put(log);
                try (Scope ignored = trace.makeCurrent()) {
                    return send.get();
                } finally {
                    LogContext.restore(replaced);
                }
            }, BLOCKING).thenCompose(sent -> sent), true);
        });
    }
}
