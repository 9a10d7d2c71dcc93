package io.depot.platform.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The keys an identity provider publishes at its JWK set URI, as last fetched. The set is fetched again once it is
 * older than {@code depot.security.jwk-set-refresh}, so a key the provider removes is accepted for at most that
 * interval after the provider stops publishing it, and when a token names a key the set lacks, unless a fetch started
 * less than {@code depot.security.jwk-set-min-refetch} ago: tokens with made-up key ids cannot make Depot fetch the
 * set more often than that, and a key the provider signs with before publishing it waits that long at most. One
 * fetch runs at a time; callers that need the set meanwhile wait for it. When a fetch fails, the last set fetched
 * stays in use, with another attempt every {@link #RETRY}, until it is twice the interval old: then keys are refused
 * until the provider answers. So a provider's short outage is not Depot's, and a removed key is accepted for at most
 * twice the interval when the provider cannot be reached.
 */
final class JwkSetKeys {

    /** A key of the Reactor context: a list to which the keys offered to a token's verification are added. */
    static final String OFFERED = JwkSetKeys.class.getName() + ".offered";
    static final Duration RETRY = Duration.ofSeconds(10);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(JwkSetKeys.class);

    private final String uri;
    private final Set<JWSAlgorithm> algorithms;
    private final Duration refresh;
    private final Duration minRefetch;
    private final WebClient web;
    private final Clock clock;
    private final AtomicReference<Fetched> fetched = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<JWKSet>> fetching = new AtomicReference<>();
    /** When the last fetch started. */
    private final AtomicReference<Instant> started = new AtomicReference<>();

    private record Fetched(JWKSet keys, Instant at, Instant due) {
    }

    JwkSetKeys(String uri, Set<JWSAlgorithm> algorithms, Duration refresh, Duration minRefetch, WebClient web,
               Clock clock) {
        this.uri = uri;
        this.algorithms = Set.copyOf(algorithms);
        this.refresh = refresh;
        this.minRefetch = minRefetch;
        this.web = web;
        this.clock = clock;
    }

    Set<JWSAlgorithm> algorithms() {
        return algorithms;
    }

    /** The set as last fetched, or fetched now when it is due. */
    Mono<JWKSet> current() {
        return Mono.defer(() -> {
            Fetched last = fetched.get();
            return last != null && clock.instant().isBefore(last.due()) ? Mono.just(last.keys()) : fetch();
        });
    }

    /**
     * The keys that may have signed {@code jwt}: those of the current set its header matches, or of a set fetched
     * again when none does (and no fetch started within {@code minRefetch}). They are also added to the list under
     * {@link #OFFERED} in the subscriber's context.
     */
    Flux<JWK> keysFor(SignedJWT jwt) {
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!algorithms.contains(algorithm)) {
            // Thrown, not signalled: the decoder turns it into a refused token, as it does for its own selector.
            throw new BadJwtException("Unsupported algorithm of " + algorithm);
        }
        JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader()));
        return current()
                .flatMap(keys -> {
                    List<JWK> matching = selector.select(keys);
                    return matching.isEmpty() ? refetched(keys).map(selector::select) : Mono.just(matching);
                })
                .flatMapMany(matching -> Flux.deferContextual(context -> {
                    context.<List<JWK>>getOrEmpty(OFFERED).ifPresent(offered -> offered.addAll(matching));
                    return Flux.fromIterable(matching);
                }));
    }

    /** Whether every one of {@code keys} is in the current set. */
    Mono<Boolean> publishes(List<JWK> keys) {
        return current().map(set -> set.getKeys().containsAll(keys));
    }

    /** The set fetched again for a key it lacks, or {@code current} when a fetch started within minRefetch. */
    private Mono<JWKSet> refetched(JWKSet current) {
        Instant last = started.get();
        return last != null && clock.instant().isBefore(last.plus(minRefetch)) ? Mono.just(current) : fetch();
    }

    private Mono<JWKSet> fetch() {
        return Mono.defer(() -> {
            CompletableFuture<JWKSet> mine = new CompletableFuture<>();
            CompletableFuture<JWKSet> running = fetching.compareAndExchange(null, mine);
            if (running != null) {
                return Mono.fromFuture(running, true);
            }
            started.set(clock.instant());
            web.get().uri(uri).accept(MediaType.APPLICATION_JSON).retrieve().bodyToMono(String.class)
                    .timeout(FETCH_TIMEOUT)
                    .switchIfEmpty(Mono.error(() -> new IllegalStateException("an empty JWK set response")))
                    .map(JwkSetKeys::parse)
                    .subscribe(keys -> {
                        Instant now = clock.instant();
                        fetched.set(new Fetched(keys, now, now.plus(refresh)));
                        fetching.set(null);
                        mine.complete(keys);
                    }, error -> {
                        Fetched last = fetched.get();
                        Instant now = clock.instant();
                        Instant stale = last == null ? now : last.at().plus(refresh.multipliedBy(2));
                        if (!now.isBefore(stale)) {
                            log.warn("Could not fetch the JWK set from {}: {}", uri, error.toString());
                            fetching.set(null);
                            mine.completeExceptionally(error);
                            return;
                        }
                        log.warn("Could not fetch the JWK set from {}, using the set fetched at {}: {}", uri,
                                last.at(), error.toString());
                        Instant retry = now.plus(RETRY);
                        fetched.set(new Fetched(last.keys(), last.at(), retry.isBefore(stale) ? retry : stale));
                        fetching.set(null);
                        mine.complete(last.keys());
                    });
            return Mono.fromFuture(mine, true);
        });
    }

    private static JWKSet parse(String body) {
        try {
            return JWKSet.parse(body);
        } catch (ParseException e) {
            throw new IllegalStateException("not a JWK set: " + e.getMessage(), e);
        }
    }
}
