package io.depot.platform.limits;

import io.depot.error.ErrorCode;
import io.depot.platform.limits.LimitsProperties.Operation;
import io.depot.platform.web.ClientAddress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

import java.security.Principal;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Rate limits per user and per client address for the calls that cost the most: initiating uploads, parts,
 * completes and download URLs. It runs after authentication, so an anonymous caller is limited by address only.
 * Over a limit the call gets 429 with {@code Retry-After} and {@code RateLimit-*} headers; within it, the
 * {@code RateLimit-*} headers of the tighter bucket. Refusals are counted by operation
 * ({@code depot_rate_limit_refusals_total}), never by user or address.
 */
public class RateLimitFilter implements WebFilter, Ordered {

    /** After Spring Security's filter chain, before the idempotency filter. */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    private record Route(HttpMethod method, PathPattern pattern, Operation operation) {
    }

    private static final PathPatternParser PARSER = new PathPatternParser();
    private static final List<Route> ROUTES = List.of(
            new Route(HttpMethod.POST, PARSER.parse("/v1/uploads/initiate"), Operation.INITIATE),
            new Route(HttpMethod.PUT, PARSER.parse("/v1/uploads/{id}/parts/{part}"), Operation.PART),
            new Route(HttpMethod.POST, PARSER.parse("/v1/uploads/{id}/parts/{part}"), Operation.PART),
            new Route(HttpMethod.POST, PARSER.parse("/v1/uploads/{id}/complete"), Operation.COMPLETE),
            // tus: a creation opens an upload, a PATCH sends its bytes (and completes it with the last).
            new Route(HttpMethod.POST, PARSER.parse("/v1/tus"), Operation.INITIATE),
            new Route(HttpMethod.POST, PARSER.parse("/v1/tus/"), Operation.INITIATE),
            new Route(HttpMethod.PATCH, PARSER.parse("/v1/tus/{id}"), Operation.PART),
            new Route(HttpMethod.GET, PARSER.parse("/v1/files/{id}/download"), Operation.DOWNLOAD),
            new Route(HttpMethod.GET, PARSER.parse("/v1/files/{id}/versions/{version}/download"), Operation.DOWNLOAD),
            new Route(HttpMethod.GET, PARSER.parse("/v1/shares/{token}/download"), Operation.DOWNLOAD));

    private final RateLimiter limiter;
    private final ClientAddress clientAddress;
    private final Map<Operation, Limit> perUser = new EnumMap<>(Operation.class);
    private final Map<Operation, Limit> perAddress = new EnumMap<>(Operation.class);
    private final Map<Operation, Counter> refusals = new EnumMap<>(Operation.class);

    public RateLimitFilter(RateLimiter limiter, LimitsProperties properties, ClientAddress clientAddress,
                           MeterRegistry meters) {
        this.limiter = limiter;
        this.clientAddress = clientAddress;
        for (Operation operation : Operation.values()) {
            perUser.put(operation, properties.perUser(operation));
            perAddress.put(operation, properties.perAddress(operation));
            refusals.put(operation, Counter.builder("depot.rate.limit.refusals")
                    .description("Requests refused with 429 by a rate limit, by operation")
                    .tag("operation", operation.name().toLowerCase(Locale.ROOT))
                    .register(meters));
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Operation operation = operation(exchange);
        if (operation == null) {
            return chain.filter(exchange);
        }
        String op = operation.name().toLowerCase(Locale.ROOT);
        String address = clientAddress.of(exchange.getRequest());
        Mono<RateLimiter.Decision> byAddress = limiter.consume(op + ":a:" + address, perAddress.get(operation), 1);
        return exchange.getPrincipal()
                .map(Principal::getName)
                .flatMap(user -> limiter.consume(op + ":u:" + user, perUser.get(operation), 1)
                        .zipWith(byAddress, RateLimitFilter::tighter))
                .switchIfEmpty(byAddress)
                .flatMap(decision -> {
                    if (!decision.allowed()) {
                        refusals.get(operation).increment();
                        return Mono.error(new RateLimitedException(ErrorCode.RATE_LIMITED, "too many " + op
                                + " requests; retry in " + RateLimitedException.retryAfterSeconds(decision) + " s", decision));
                    }
                    RateLimitedException.describe(exchange.getResponse().getHeaders(), decision);
                    return chain.filter(exchange);
                });
    }

    /** A refusal wins; otherwise the bucket with fewer tokens left. */
    private static RateLimiter.Decision tighter(RateLimiter.Decision a, RateLimiter.Decision b) {
        if (!a.allowed() || !b.allowed()) {
            return a.allowed() ? b : a;
        }
        return a.remaining() <= b.remaining() ? a : b;
    }

    private static Operation operation(ServerWebExchange exchange) {
        HttpMethod method = exchange.getRequest().getMethod();
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        for (Route route : ROUTES) {
            if (route.method().equals(method) && route.pattern().matches(path)) {
                return route.operation();
            }
        }
        return null;
    }
}
