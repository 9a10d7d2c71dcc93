package io.depot.platform.web;

import io.depot.error.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sits right after the HTTP codec of one connection, where requests are still as the client framed them and
 * responses are about to be encoded.
 * <ul>
 * <li>A request whose framing two readers could read differently (RFC 9112 section 6.1: both {@code Content-Length}
 * and {@code Transfer-Encoding}, a transfer coding other than chunked, {@code Transfer-Encoding} in HTTP/1.0) is marked
 * as failed to decode. The server then answers 400 with {@code Connection: close} and closes the connection; nothing
 * read after it on that connection reaches the application.</li>
 * <li>A refusal the HTTP server writes by itself (a request it cannot decode, a request line or headers over the
 * limits, any other error response without a body) gets a problem body like every other refusal, and is counted and
 * audited the same way.</li>
 * </ul>
 */
final class ServerLayerRefusals extends ChannelDuplexHandler {

    /** A request refused for its framing; the message is the problem's detail. */
    static final class AmbiguousFraming extends DecoderException {
        AmbiguousFraming(String detail) {
            super(detail);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * A request seen on the way in, until its response goes out (requests are answered in order); {@code headers}
     * is null for a request the decoder could not read, whose method and target are unknown.
     */
    private record Seen(HttpRequest request, HttpHeaders headers, Throwable failure) {

        boolean head() {
            return headers != null && HttpMethod.HEAD.equals(request.method());
        }

        String method() {
            return headers == null ? "-" : request.method().name();
        }

        String path() {
            return headers == null ? null : new QueryStringDecoder(request.uri()).rawPath();
        }
    }

    private final ProblemWriter problems;
    private final int maxRequestLine;
    private final int maxHeaders;
    private final ArrayDeque<Seen> unanswered = new ArrayDeque<>();
    private Throwable contentFailure;
    private boolean discarding;

    ServerLayerRefusals(ProblemWriter problems, int maxRequestLine, int maxHeaders) {
        this.problems = problems;
        this.maxRequestLine = maxRequestLine;
        this.maxHeaders = maxHeaders;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (discarding) {
            // After a request with ambiguous framing nothing on this connection can be trusted to be what it seems.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            Throwable failure = request.decoderResult().isFailure() ? request.decoderResult().cause() : null;
            boolean readable = failure == null;
            String ambiguity = readable ? ambiguousFraming(request) : null;
            if (ambiguity != null) {
                failure = new AmbiguousFraming(ambiguity);
                request.setDecoderResult(DecoderResult.failure(failure));
                discarding = true;
            }
            unanswered.add(new Seen(request, readable ? request.headers() : null, failure));
        } else if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            contentFailure = object.decoderResult().cause();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().code() >= 200) {
            Seen request = unanswered.poll();
            if (msg instanceof FullHttpResponse full && isBareRefusal(full) && (request == null || !request.head())) {
                Throwable failure = request != null && request.failure() != null ? request.failure() : contentFailure;
                contentFailure = null;
                Problem problem = problemFor(full.status().code(), failure);
                if (problem != null) {
                    ctx.write(withProblem(ctx, full, problem, request), promise);
                    return;
                }
            }
        }
        ctx.write(msg, promise);
    }

    /** Why the request's framing is ambiguous, or null when it is not. */
    static String ambiguousFraming(HttpRequest request) {
        HttpHeaders headers = request.headers();
        List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (codings.isEmpty()) {
            return null;
        }
        boolean hadLength = headers.contains(HttpHeaderNames.CONTENT_LENGTH)
                || headers instanceof LengthRecordingHeaders recorded && recorded.contentLengthDropped();
        if (hadLength) {
            return "the request has both Content-Length and Transfer-Encoding; send only one of them";
        }
        if (HttpVersion.HTTP_1_0.equals(request.protocolVersion())) {
            return "Transfer-Encoding is not allowed in an HTTP/1.0 request";
        }
        if (codings.size() != 1 || !codings.get(0).trim().equalsIgnoreCase("chunked")) {
            return "Transfer-Encoding must be chunked and nothing else";
        }
        return null;
    }

    private static boolean isBareRefusal(FullHttpResponse response) {
        HttpHeaders headers = response.headers();
        return response.status().code() >= 400
                && !response.content().isReadable()
                && !headers.contains(HttpHeaderNames.CONTENT_TYPE)
                && headers.getInt(HttpHeaderNames.CONTENT_LENGTH, 0) == 0;
    }

    private FullHttpResponse withProblem(ChannelHandlerContext ctx, FullHttpResponse bare, Problem problem,
                                         Seen request) {
        String path = request == null ? null : request.path();
        byte[] body = problems.bytes(problem, path);
        List<String> forwardedFor = request == null || request.headers() == null ? List.of()
                : request.headers().getAll("X-Forwarded-For");
        String client = ctx.channel().remoteAddress() instanceof InetSocketAddress remote
                ? problems.clientAddress().of(remote, forwardedFor) : "unknown";
        problems.record(request == null ? "-" : request.method(), path == null ? "-" : path, client, problem);
        FullHttpResponse answer = bare.replace(Unpooled.wrappedBuffer(body));
        bare.release();
        answer.headers().set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        answer.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        // The headers Spring Security puts on every other response (SecurityAutoConfiguration).
        answer.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        answer.headers().set("X-Content-Type-Options", "nosniff");
        answer.headers().set("X-Frame-Options", "DENY");
        answer.headers().set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        answer.headers().set("Referrer-Policy", "no-referrer");
        if (problem.status() == HttpStatus.SERVICE_UNAVAILABLE) {
            answer.headers().set(HttpHeaderNames.RETRY_AFTER, ProblemWriter.RETRY_AFTER_SECONDS);
        }
        return answer;
    }

    /** The problem for a bare refusal with this status; null for a status Depot has no name for. */
    private Problem problemFor(int status, Throwable failure) {
        return switch (status) {
            case 400 -> Problem.of(ErrorCode.MALFORMED_REQUEST, failure instanceof AmbiguousFraming ambiguous
                    ? ambiguous.getMessage() : unreadable(failure));
            case 413 -> Problem.of(ErrorCode.PAYLOAD_TOO_LARGE, "request body is too large");
            case 414 -> Problem.of(ErrorCode.URI_TOO_LONG,
                    "the request line (method, path and query) is longer than " + maxRequestLine + " bytes");
            case 431 -> Problem.of(ErrorCode.HEADERS_TOO_LARGE,
                    "the request headers are larger than " + maxHeaders + " bytes");
            default -> generic(status);
        };
    }

    /** What the decoder could not read, in the request's terms; never the decoder's own message. */
    private static String unreadable(Throwable failure) {
        String message = failure == null || failure.getMessage() == null ? ""
                : failure.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("content-length")) {
            return "Content-Length must be given once, as one number";
        }
        if (message.contains("chunk")) {
            return "the chunked request body is not valid";
        }
        return "the request is not valid HTTP/1.1: its request line or headers cannot be read";
    }

    private static final Map<Integer, ErrorCode> BY_STATUS = Map.of(
            401, ErrorCode.UNAUTHENTICATED, 403, ErrorCode.FORBIDDEN, 404, ErrorCode.NOT_FOUND,
            405, ErrorCode.METHOD_NOT_ALLOWED, 406, ErrorCode.NOT_ACCEPTABLE, 411, ErrorCode.LENGTH_REQUIRED,
            415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 429, ErrorCode.RATE_LIMITED, 503, ErrorCode.SERVICE_UNAVAILABLE);

    private static Problem generic(int status) {
        HttpStatus httpStatus = HttpStatus.resolve(status);
        if (httpStatus == null) {
            return null;
        }
        ErrorCode code = BY_STATUS.getOrDefault(status,
                httpStatus.is4xxClientError() ? ErrorCode.MALFORMED_REQUEST : ErrorCode.INTERNAL_ERROR);
        return new Problem(httpStatus, code, httpStatus.getReasonPhrase().toLowerCase(Locale.ROOT), Map.of());
    }
}
