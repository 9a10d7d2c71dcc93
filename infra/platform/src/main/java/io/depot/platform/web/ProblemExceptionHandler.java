package io.depot.platform.web;

import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.messaging.HandlerExecutionException;
import io.depot.platform.limits.RateLimitedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.PayloadTooLargeException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * The one place where failures become responses: every error, from a controller, a route that does not
 * exist or an unreadable body, leaves as an RFC 9457 problem.
 */
public class ProblemExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    private final ProblemWriter writer;

    public ProblemExceptionHandler(ProblemWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        Throwable cause = unwrap(failure);
        Problem problem = toProblem(cause);
        if (cause instanceof RateLimitedException limited) {
            limited.describe(exchange.getResponse().getHeaders());
        }
        if (problem.status().is5xxServerError()) {
            log.warn("{} {} failed: {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
                    problem.detail(), failure);
        }
        return writer.write(exchange, problem);
    }

    static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof HandlerExecutionException
                && !(current instanceof CommandExecutionException)) && current.getCause() != null) {
            current = current.getCause();
        }
        if (current instanceof HandlerExecutionException remote
                && remote.getDetails().orElse(null) instanceof ErrorCode code) {
            return new DepotException(code, remote.getMessage(), remote);
        }
        return current;
    }

    static Problem toProblem(Throwable failure) {
        if (failure instanceof DepotException depot) {
            return Problem.of(depot.code(), depot.getMessage());
        }
        if (isStoreUnavailable(failure)) {
            return Problem.of(ErrorCode.SERVICE_UNAVAILABLE, "a store Depot depends on is unavailable; retry later");
        }
        if (failure instanceof WebExchangeBindException bind) {
            List<Map<String, String>> errors = bind.getFieldErrors().stream()
                    .map(e -> Map.of("field", snakeCase(e.getField()), "message", String.valueOf(e.getDefaultMessage())))
                    .toList();
            String detail = bind.getFieldErrors().stream()
                    .map(e -> snakeCase(e.getField()) + " " + e.getDefaultMessage())
                    .sorted()
                    .reduce((a, b) -> a + "; " + b)
                    .orElse("request is not valid");
            return new Problem(HttpStatus.BAD_REQUEST, ErrorCode.VALIDATION_FAILED, detail, Map.of("errors", errors));
        }
        if (failure instanceof ServerWebInputException input) {
            return Problem.of(ErrorCode.MALFORMED_REQUEST, InputErrors.detail(input));
        }
        if (failure instanceof ServerExchangeRejectedException rejected) {
            return Problem.of(ErrorCode.REQUEST_REJECTED, rejectedDetail(rejected));
        }
        if (failure instanceof PayloadTooLargeException) {
            return Problem.of(ErrorCode.PAYLOAD_TOO_LARGE, "request body is too large");
        }
        if (failure instanceof UnsupportedMediaTypeStatusException media) {
            return Problem.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "content type "
                    + media.getContentType() + " is not supported here; supported: " + media.getSupportedMediaTypes());
        }
        if (failure instanceof MethodNotAllowedException method) {
            return Problem.of(ErrorCode.METHOD_NOT_ALLOWED, "method " + method.getHttpMethod() + " is not allowed here");
        }
        if (failure instanceof NotAcceptableStatusException) {
            return Problem.of(ErrorCode.NOT_ACCEPTABLE, "no acceptable representation");
        }
        if (failure instanceof ResponseStatusException status) {
            HttpStatusCode code = status.getStatusCode();
            if (code.value() == 404) {
                return Problem.of(ErrorCode.NOT_FOUND, "no such resource");
            }
            ErrorCode generic = code.is4xxClientError() ? ErrorCode.MALFORMED_REQUEST : ErrorCode.SERVICE_UNAVAILABLE;
            return new Problem(HttpStatus.valueOf(code.value()), generic,
                    status.getReason() != null ? status.getReason() : "request failed", Map.of());
        }
        return Problem.of(ErrorCode.INTERNAL_ERROR, "internal error");
    }

    /** A lost or refused connection to the event store or the read-model store, anywhere in the cause chain. */
    static boolean isStoreUnavailable(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            // Constraint and concurrency failures become domain answers long before this point: an SQL
            // failure that gets here is the database failing, and the request can be retried.
            if (e instanceof SQLException
                    || e instanceof CannotGetJdbcConnectionException
                    || e instanceof MongoSocketException || e instanceof MongoTimeoutException) {
                return true;
            }
            if (e.getCause() == e) {
                break;
            }
        }
        return false;
    }

    /** Request fields are named in snake_case on the wire; name them so in errors too. */
    static String snakeCase(String field) {
        return field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** Spring Security's reason, in the client's terms: "the URL contained a potentially malicious String "//"". */
    private static String rejectedDetail(ServerExchangeRejectedException rejected) {
        String reason = String.valueOf(rejected.getMessage());
        int because = reason.indexOf(" rejected because ");
        if (because >= 0) {
            reason = reason.substring(because + " rejected because ".length());
        }
        return "request refused: " + reason;
    }
}
