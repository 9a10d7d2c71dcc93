package io.depot.platform.tracing;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.Map;

/**
 * The authenticated user of a request, for the lines its work logs: kept in the Reactor context, since the request
 * hops threads, and put in the MDC where Depot's code moves the work to a thread of its own (see
 * {@link io.depot.platform.axon.Dispatch}). Runs after Spring Security, which knows the user.
 */
final class UserLogContext implements WebFilter, Ordered {

    @Override
    public int getOrder() {
        return 0;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return exchange.getPrincipal()
                .map(principal -> Map.of(LogContext.USER_ID, principal.getName()))
                .defaultIfEmpty(Map.of())
                .flatMap(entries -> entries.isEmpty() ? chain.filter(exchange)
                        : chain.filter(exchange).contextWrite(context -> context.put(LogContext.REACTOR_KEY, entries)));
    }
}
