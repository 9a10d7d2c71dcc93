package io.depot.platform.idempotency;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes POST commands safe to retry: a request with an {@code Idempotency-Key} header is answered once,
 * and a retry with the same key and the same body gets the first response again, status and body, without
 * running the command twice. The same key with another body is a 409. Keys belong to the authenticated
 * user, so two users' keys never meet. Only successful responses are kept: after an error the key is
 * forgotten and a retry runs the request again.
 * <p>
 * The response is stored before it is sent, so a client that has its answer always finds it replayed. A request
 * runs to its end even when its client goes away, and its claim on the key is a lease that the running request
 * renews: a request that died with its process frees its key within {@link IdempotencyStore#LEASE}.
 * The body is read up to {@code maxBodyBytes} (the JSON body limit), never further: past it the answer is 413.
 */
public class IdempotencyFilter implements WebFilter, Ordered {

    public static final String HEADER = "Idempotency-Key";
    static final int MAX_KEY_LENGTH = 255;

    private static final Logger log = LoggerFactory.getLogger(IdempotencyFilter.class);

    private final IdempotencyStore store;
    private final int maxBodyBytes;

    public IdempotencyFilter(IdempotencyStore store, int maxBodyBytes) {
        this.store = store;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public int getOrder() {
        // After Spring Security's filter chain, so the user is known.
        return 10;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String key = request.getHeaders().getFirst(HEADER);
        if (key == null || request.getMethod() != HttpMethod.POST || !request.getPath().value().startsWith("/v1/")) {
            return chain.filter(exchange);
        }
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            return Mono.error(new DepotException(ErrorCode.VALIDATION_FAILED,
                    HEADER + " must be 1 to " + MAX_KEY_LENGTH + " characters"));
        }
        if (request.getHeaders().getContentLength() > maxBodyBytes) {
            return Mono.error(tooLarge());
        }
        return ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .map(a -> a.getName())
                .defaultIfEmpty("")
                .flatMap(user -> DataBufferUtils.join(request.getBody(), maxBodyBytes)
                        .onErrorMap(DataBufferLimitException.class, e -> tooLarge())
                        .map(IdempotencyFilter::bytes)
                        .defaultIfEmpty(new byte[0])
                        .flatMap(body -> detached(handle(exchange, chain, user + ":" + request.getPath().value() + ":" + key, body))));
    }

    private DepotException tooLarge() {
        return new DepotException(ErrorCode.PAYLOAD_TOO_LARGE, "a request with an " + HEADER
                + " may carry at most " + maxBodyBytes + " bytes of body");
    }

    private Mono<Void> handle(ServerWebExchange exchange, WebFilterChain chain, String id, byte[] body) {
        String fingerprint = fingerprint(exchange.getRequest(), body);
        return store.claim(id, fingerprint).flatMap(existing -> {
            if (existing.isEmpty()) {
                return proceed(exchange, chain, id, body);
            }
            StoredResponse stored = existing.get();
            if (!stored.fingerprint().equals(fingerprint)) {
                return Mono.error(new DepotException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "this Idempotency-Key was used for a different request"));
            }
            if (stored.inProgress()) {
                return Mono.error(new DepotException(ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS,
                        "a request with this Idempotency-Key is still being processed; retry shortly"));
            }
            return replay(exchange.getResponse(), stored);
        });
    }

    /**
     * Runs a keyed request detached from its connection, from its claim on: a client that leaves cancels only its
     * wait, never the claim or the command, so the outcome is always stored (or the key forgotten).
     */
    private static Mono<Void> detached(Mono<Void> request) {
        return Mono.deferContextual(context -> Mono.fromFuture(request.contextWrite(context).toFuture(), true));
    }

    /** Runs the request holding the key, renewing the key's lease until it ends. */
    private Mono<Void> proceed(ServerWebExchange exchange, WebFilterChain chain, String id, byte[] body) {
        var recorder = new RecordingResponse(exchange.getResponse(), id);
        var replayedBody = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
            }
        };
        Mono<Void> work = chain.filter(exchange.mutate().request(replayedBody).response(recorder).build())
                .then(Mono.defer(recorder::settleIfUnwritten))
                .onErrorResume(e -> recorder.settled.compareAndSet(false, true)
                        ? store.forget(id).onErrorResume(f -> Mono.empty()).then(Mono.error(e))
                        : Mono.error(e));
        return Mono.defer(() -> {
            Disposable renewals = Flux.interval(IdempotencyStore.LEASE.dividedBy(3))
                    .concatMap(tick -> store.renew(id).onErrorResume(e -> {
                        log.warn("could not renew the lease of an idempotency key: {}", e.toString());
                        return Mono.empty();
                    }))
                    .subscribe();
            return work.doFinally(signal -> renewals.dispose());
        });
    }

    private static Mono<Void> replay(ServerHttpResponse response, StoredResponse stored) {
        response.setStatusCode(HttpStatusCode.valueOf(stored.status()));
        if (stored.contentType() != null) {
            response.getHeaders().set("Content-Type", stored.contentType());
        }
        if (stored.location() != null) {
            response.getHeaders().set("Location", stored.location());
        }
        response.getHeaders().set("Idempotent-Replayed", "true");
        byte[] body = stored.body() == null ? new byte[0] : stored.body().getBytes(StandardCharsets.UTF_8);
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private static String fingerprint(ServerHttpRequest request, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(request.getPath().value().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(body);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** Stores what the handler answers before the client sees it; the first outcome settles the key. */
    private final class RecordingResponse extends ServerHttpResponseDecorator {

        private final String id;
        private final AtomicBoolean settled = new AtomicBoolean();

        RecordingResponse(ServerHttpResponse delegate, String id) {
            super(delegate);
            this.id = id;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> content) {
            return DataBufferUtils.join(content).map(IdempotencyFilter::bytes).defaultIfEmpty(new byte[0])
                    .flatMap(bytes -> settle(bytes).then(Mono.defer(() ->
                            super.writeWith(Mono.just(bufferFactory().wrap(bytes))))));
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> content) {
            return writeWith(Flux.from(content).concatMap(Flux::from));
        }

        @Override
        public Mono<Void> setComplete() {
            return settleIfUnwritten().then(Mono.defer(super::setComplete));
        }

        /** A handler that answered without a body (or not at all) settles the key here. */
        Mono<Void> settleIfUnwritten() {
            return settled.get() ? Mono.empty() : settle(new byte[0]);
        }

        private Mono<Void> settle(byte[] body) {
            if (!settled.compareAndSet(false, true)) {
                return Mono.empty();
            }
            HttpStatusCode status = getStatusCode() == null ? HttpStatusCode.valueOf(200) : getStatusCode();
            if (!status.is2xxSuccessful()) {
                return store.forget(id).onErrorResume(e -> Mono.empty());
            }
            MediaType type = getHeaders().getContentType();
            return store.complete(id, status.value(), type == null ? null : type.toString(),
                            new String(body, StandardCharsets.UTF_8), getHeaders().getFirst("Location"))
                    .onErrorResume(e -> {
                        // The command ran; the client still gets its answer. A retry may find the key in progress
                        // until the lease runs out, then runs again, which every Depot command survives.
                        log.warn("could not store the response of an idempotent request: {}", e.toString());
                        return Mono.empty();
                    });
        }
    }

    /** A response kept for a key; {@code inProgress} while the first request runs. */
    public record StoredResponse(String fingerprint, boolean inProgress, int status, String contentType,
                                 String body, String location) {
    }

    /** Where keys and their responses are kept. */
    public interface IdempotencyStore {

        /** How long a claim lasts unless the request holding it renews it. */
        Duration LEASE = Duration.ofSeconds(30);

        /** Claims the key for this request; empty when it was free, else what the key already holds. */
        Mono<Optional<StoredResponse>> claim(String id, String fingerprint);

        /** Extends the claim of a request still running by another {@link #LEASE}. */
        Mono<Void> renew(String id);

        Mono<Void> complete(String id, int status, String contentType, String body, String location);

        Mono<Void> forget(String id);
    }
}
