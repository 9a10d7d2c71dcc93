package io.depot.platform.idempotency;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Makes POST commands safe to retry: a request with an {@code Idempotency-Key} header is answered once,
 * and a retry with the same key and the same body gets the first response again, status and body, without
 * running the command twice. The same key with another body is a 409. Keys belong to the authenticated
 * user, so two users' keys never meet. Only successful responses are kept: after an error the key is
 * forgotten and a retry runs the request again.
 */
public class IdempotencyFilter implements WebFilter, Ordered {

    public static final String HEADER = "Idempotency-Key";
    static final int MAX_KEY_LENGTH = 255;

    private final IdempotencyStore store;

    public IdempotencyFilter(IdempotencyStore store) {
        this.store = store;
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
        return ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .map(a -> a.getName())
                .defaultIfEmpty("")
                .flatMap(user -> DataBufferUtils.join(request.getBody())
                        .map(IdempotencyFilter::bytes)
                        .defaultIfEmpty(new byte[0])
                        .flatMap(body -> handle(exchange, chain, user + ":" + request.getPath().value() + ":" + key, body)));
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

    private Mono<Void> proceed(ServerWebExchange exchange, WebFilterChain chain, String id, byte[] body) {
        var recorder = new RecordingResponse(exchange.getResponse());
        var replayedBody = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
            }
        };
        return chain.filter(exchange.mutate().request(replayedBody).response(recorder).build())
                .then(Mono.defer(() -> finish(id, recorder)))
                .onErrorResume(e -> store.forget(id).then(Mono.error(e)));
    }

    private Mono<Void> finish(String id, RecordingResponse recorder) {
        HttpStatusCode status = recorder.getStatusCode() == null ? HttpStatusCode.valueOf(200) : recorder.getStatusCode();
        if (!status.is2xxSuccessful()) {
            return store.forget(id);
        }
        MediaType type = recorder.getHeaders().getContentType();
        return store.complete(id, status.value(), type == null ? null : type.toString(), recorder.body(),
                recorder.getHeaders().getFirst("Location"));
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

    /** Keeps a copy of what the handler writes, to answer retries with it. */
    private static final class RecordingResponse extends ServerHttpResponseDecorator {

        private final java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();

        RecordingResponse(ServerHttpResponse delegate) {
            super(delegate);
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> content) {
            return super.writeWith(Flux.from(content).map(buffer -> {
                byte[] chunk = new byte[buffer.readableByteCount()];
                buffer.toByteBuffer(buffer.readPosition(), java.nio.ByteBuffer.wrap(chunk), 0, chunk.length);
                body.writeBytes(chunk);
                return buffer;
            }));
        }

        /** Decoded once whole, so a character split across network chunks stays intact. */
        String body() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    /** A response kept for a key; {@code inProgress} while the first request runs. */
    public record StoredResponse(String fingerprint, boolean inProgress, int status, String contentType,
                                 String body, String location) {
    }

    /** Where keys and their responses are kept. */
    public interface IdempotencyStore {

        /** Claims the key for this request; empty when it was free, else what the key already holds. */
        Mono<Optional<StoredResponse>> claim(String id, String fingerprint);

        Mono<Void> complete(String id, int status, String contentType, String body, String location);

        Mono<Void> forget(String id);
    }
}
