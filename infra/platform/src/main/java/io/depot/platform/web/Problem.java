package io.depot.platform.web;

import io.depot.error.ErrorCode;
import io.depot.error.ErrorKind;
import org.springframework.http.HttpStatus;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem: a stable {@code type} per error code, the code itself, and a detail for people.
 *
 * @param status  the HTTP status
 * @param code    the error code
 * @param detail  what went wrong with this request
 * @param extra   further members, such as the list of invalid fields
 */
public record Problem(HttpStatus status, ErrorCode code, String detail, Map<String, Object> extra) {

    public static final String TYPE_PREFIX = "urn:depot:problem:";

    public static Problem of(ErrorCode code, String detail) {
        return new Problem(statusOf(code.kind()), code, detail, Map.of());
    }

    public static HttpStatus statusOf(ErrorKind kind) {
        return switch (kind) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case GONE -> HttpStatus.GONE;
            case LOCKED -> HttpStatus.LOCKED;
            case PRECONDITION_FAILED -> HttpStatus.PRECONDITION_FAILED;
            case CHECKSUM_FAILED -> HttpStatus.BAD_REQUEST;
            case TOO_LARGE -> HttpStatus.PAYLOAD_TOO_LARGE;
            case URI_TOO_LONG -> HttpStatus.URI_TOO_LONG;
            case HEADERS_TOO_LARGE -> HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            case LENGTH_REQUIRED -> HttpStatus.LENGTH_REQUIRED;
            case UNAUTHORIZED -> HttpStatus.UNAUTHORIZED;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case METHOD_NOT_ALLOWED -> HttpStatus.METHOD_NOT_ALLOWED;
            case NOT_ACCEPTABLE -> HttpStatus.NOT_ACCEPTABLE;
            case UNSUPPORTED_MEDIA_TYPE -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case TOO_MANY_REQUESTS -> HttpStatus.TOO_MANY_REQUESTS;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case BAD_GATEWAY -> HttpStatus.BAD_GATEWAY;
            case INTERNAL -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    /** The problem as the JSON members RFC 9457 names, plus {@code code} and any extras. */
    public Map<String, Object> body(String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_PREFIX + code.slug());
        body.put("title", code.title());
        body.put("status", status.value());
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        body.put("code", code.slug());
        body.putAll(extra);
        return body;
    }
}
