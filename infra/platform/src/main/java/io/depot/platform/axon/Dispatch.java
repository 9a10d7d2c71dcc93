package io.depot.platform.axon;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.responsetypes.ResponseType;
import org.axonframework.queryhandling.QueryGateway;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends messages from reactive code. Axon's local buses run handlers, and their JDBC work, on the
 * sending thread, so every send leaves the event loop first.
 */
public final class Dispatch {

    private Dispatch() {
    }

    public static <R> Mono<R> command(CommandGateway gateway, Object command) {
        return Mono.defer(() -> Mono.fromFuture(gateway.<R>send(command)))
                .subscribeOn(Schedulers.boundedElastic());
    }

    public static <R> Mono<R> query(QueryGateway gateway, Object query, ResponseType<R> responseType) {
        return Mono.defer(() -> Mono.fromFuture(gateway.query(query, responseType)))
                .subscribeOn(Schedulers.boundedElastic());
    }
}
