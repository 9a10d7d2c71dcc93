package io.depot.platform.storage;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams the bytes of a part that reaches the service on to storage with the HTTP client of the service's own
 * network stack (Reactor Netty, on the event loops that received the bytes): each network buffer received is written
 * on as it is, with no copy and no hand-over to another thread, as a streaming reverse proxy does. The request is
 * an UploadPart signed in its query string by the same signer as the presigned part URLs clients get, for the
 * endpoint the service itself calls. Storage's answers map as the S3 client's do in {@link ObjectStorage}: 404 is
 * {@link ErrorCode#NOT_FOUND}, 400 {@link ErrorCode#STORAGE_ERROR}, any other failure or no answer
 * {@link ErrorCode#STORAGE_UNAVAILABLE}. Calls are timed in {@code depot.storage.requests} as
 * {@code operation=UploadPart}, like the S3 client's.
 */
final class PartStreamer {

    private static final Logger log = LoggerFactory.getLogger(PartStreamer.class);
    /** How long the signed request stays valid: storage checks it when the request starts. */
    private static final Duration SIGNATURE_VALIDITY = Duration.ofMinutes(15);
    private static final Pattern ERROR_CODE = Pattern.compile("<Code>([^<]*)</Code>");

    private final HttpClient http;
    private final QuerySigner signer;
    private final MeterRegistry meters;

    /** {@code signer} signs for the endpoint the service calls; {@code meters} may be null. */
    PartStreamer(QuerySigner signer, MeterRegistry meters) {
        this.signer = signer;
        this.meters = meters;
        this.http = HttpClient.create(ConnectionProvider.builder("depot-storage")
                        .maxConnections(512)
                        .pendingAcquireTimeout(Duration.ofSeconds(30))
                        .maxIdleTime(Duration.ofSeconds(50))
                        .evictInBackground(Duration.ofSeconds(30))
                        .build())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                // From the last byte sent to storage's answer: storage writes the part, then answers.
                .responseTimeout(Duration.ofMinutes(2));
    }

    /** Stores part {@code partNumber} from {@code content}, exactly {@code length} bytes; answers its ETag, unquoted. */
    Mono<String> uploadPart(String key, String storageUploadId, int partNumber, long length,
                            Flux<DataBuffer> content) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            PresignedUrl url = signer.sign("PUT", key, Map.of("partNumber", Integer.toString(partNumber),
                    "uploadId", storageUploadId), Map.of("content-length", Long.toString(length)), SIGNATURE_VALIDITY);
            return http.headers(headers -> headers.set(HttpHeaderNames.CONTENT_LENGTH, length))
                    .put()
                    .uri(url.url())
                    .send(content.map(PartStreamer::byteBuf))
                    .responseSingle((response, body) -> {
                        int status = response.status().code();
                        if (status / 100 == 2) {
                            record(started, "success");
                            String etag = response.responseHeaders().get(HttpHeaderNames.ETAG);
                            return etag == null
                                    ? Mono.<String>error(new DepotException(ErrorCode.STORAGE_ERROR,
                                    "storage stored a part without an ETag"))
                                    : Mono.just(ObjectStorage.unquote(etag));
                        }
                        record(started, status >= 500 ? "server_error" : "client_error");
                        return body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                                .flatMap(text -> Mono.<String>error(refusal(status, text)));
                    })
                    .onErrorMap(e -> !(e instanceof DepotException), e -> {
                        record(started, "unreachable");
                        return unreachable(e);
                    });
        });
    }

    /** The network buffer itself where the bytes arrived through Netty; sending it releases it. */
    private static ByteBuf byteBuf(DataBuffer buffer) {
        if (buffer instanceof NettyDataBuffer netty) {
            return netty.getNativeBuffer();
        }
        try {
            return NettyDataBufferFactory.toByteBuf(buffer);
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private static DepotException refusal(int status, String body) {
        Matcher code = ERROR_CODE.matcher(body);
        String reason = code.find() ? code.group(1) : "HTTP " + status;
        if (status == 404) {
            return new DepotException(ErrorCode.NOT_FOUND, "storage does not hold it (" + reason + ")");
        }
        if (status == 400) {
            // Depot builds the request from what it already checked: a refusal is storage's answer to Depot.
            log.warn("object storage refused a part: {} {}", status, reason);
            return new DepotException(ErrorCode.STORAGE_ERROR, "storage refused the request (" + reason + ")");
        }
        log.warn("object storage failed a part: {} {}", status, reason);
        return new DepotException(ErrorCode.STORAGE_UNAVAILABLE, "object storage is unavailable, retry later");
    }

    private static DepotException unreachable(Throwable e) {
        log.warn("object storage call failed: {}", e.toString());
        return new DepotException(ErrorCode.STORAGE_UNAVAILABLE, "object storage is unavailable, retry later", e);
    }

    private void record(long started, String outcome) {
        if (meters == null) {
            return;
        }
        Timer.builder("depot.storage.requests")
                .description("Calls to object storage, by S3 operation and outcome")
                .tag("operation", "UploadPart")
                .tag("outcome", outcome)
                .register(meters)
                .record(Duration.ofNanos(System.nanoTime() - started));
    }
}
