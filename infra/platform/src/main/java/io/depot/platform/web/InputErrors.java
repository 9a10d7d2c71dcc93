package io.depot.platform.web;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.core.codec.DecodingException;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebInputException;

import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says what is wrong with a request's body or parameters in the request's own terms: the field as it is named on
 * the wire, the kind of value expected, the limit passed, where the JSON stops being JSON. Never a Java type, a
 * library's own names or messages, or the body itself.
 */
final class InputErrors {

    private static final Pattern DUPLICATE_FIELD = Pattern.compile("Duplicate field '([A-Za-z0-9_]{1,64})'");

    private InputErrors() {
    }

    static String detail(ServerWebInputException input) {
        StreamConstraintsException limit = find(input, StreamConstraintsException.class);
        if (limit != null) {
            return "request body " + limit(limit);
        }
        InputCoercionException coercion = find(input, InputCoercionException.class);
        if (coercion != null) {
            return subject(find(input, JsonMappingException.class)) + " is out of range";
        }
        MismatchedInputException mismatch = find(input, MismatchedInputException.class);
        if (mismatch != null && mismatch.getOriginalMessage().startsWith("Trailing token")) {
            return "request body has more after its JSON value";
        }
        StreamReadException syntax = findSyntax(input);
        if (syntax != null) {
            return syntax(syntax);
        }
        if (mismatch != null) {
            if (mismatch.getOriginalMessage().startsWith("Unexpected end-of-input")) {
                return "request body ends before its JSON value is complete";
            }
            if (mismatch.getOriginalMessage().startsWith("No content to map")) {
                return "request body is empty";
            }
            return subject(mismatch) + " must be " + expected(mismatch.getTargetType());
        }
        JsonMappingException mapping = find(input, JsonMappingException.class);
        if (mapping != null) {
            return subject(mapping) + " is not valid";
        }
        TypeMismatchException parameter = find(input, TypeMismatchException.class);
        if (parameter != null) {
            return parameterName(input.getMethodParameter()) + " must be " + expected(parameter.getRequiredType());
        }
        if (find(input, JacksonException.class) != null || find(input, DecodingException.class) != null) {
            return "request body cannot be read";
        }
        return input.getReason() != null ? input.getReason() : "request cannot be read";
    }

    /** What limit of {@link WebAutoConfiguration#depotJsonLimits()} the body passed. */
    private static String limit(StreamConstraintsException limit) {
        String message = String.valueOf(limit.getOriginalMessage());
        if (message.contains("nesting depth")) {
            return "is nested deeper than " + WebAutoConfiguration.MAX_JSON_DEPTH + " levels";
        }
        if (message.startsWith("Number value length")) {
            return "has a number longer than " + WebAutoConfiguration.MAX_JSON_NUMBER_LENGTH + " characters";
        }
        if (message.startsWith("String value length")) {
            return "has a string longer than " + WebAutoConfiguration.MAX_JSON_STRING_LENGTH + " characters";
        }
        if (message.startsWith("Name length")) {
            return "has a field name that is too long";
        }
        return "is larger or deeper than Depot reads";
    }

    private static String syntax(StreamReadException syntax) {
        String where = "";
        JsonLocation location = syntax.getLocation();
        if (location != null && location.getLineNr() > 0) {
            where = " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        }
        String message = String.valueOf(syntax.getOriginalMessage());
        if (syntax instanceof JsonEOFException || message.startsWith("Unexpected end-of-input")) {
            return "request body ends before its JSON value is complete";
        }
        Matcher duplicate = DUPLICATE_FIELD.matcher(message);
        if (duplicate.lookingAt()) {
            return "request body has the field " + duplicate.group(1) + " more than once" + where;
        }
        if (message.startsWith("Duplicate field")) {
            return "request body has a field more than once" + where;
        }
        return "request body is not valid JSON" + where;
    }

    /** The field a mapping failure is about, as the client named it ({@code parts[0].part_number}). */
    private static String subject(JsonMappingException mapping) {
        if (mapping == null || mapping.getPath().isEmpty()) {
            return "request body";
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : mapping.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "request body" : path.toString();
    }

    /** The kind of JSON value (or parameter text) a type takes. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "a value of another kind";
        }
        Class<?> boxed = ClassUtils.resolvePrimitiveIfNecessary(type);
        if (boxed == Long.class || boxed == Integer.class || boxed == Short.class || boxed == Byte.class
                || boxed == BigInteger.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(boxed)) {
            return "a number";
        }
        if (boxed == Boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(boxed) || boxed == Character.class) {
            return "a string";
        }
        if (boxed.isEnum()) {
            return "one of " + List.of(boxed.getEnumConstants());
        }
        if (boxed == UUID.class) {
            return "a UUID";
        }
        if (TemporalAccessor.class.isAssignableFrom(boxed)) {
            return "a date and time such as 2026-01-31T12:00:00Z";
        }
        if (boxed.isArray() || Collection.class.isAssignableFrom(boxed)) {
            return "an array";
        }
        return "an object";
    }

    /** A query, path or header parameter as the client wrote it. */
    private static String parameterName(MethodParameter parameter) {
        if (parameter == null) {
            return "a parameter";
        }
        RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
        if (query != null && !(query.name() + query.value()).isEmpty()) {
            return query.name().isEmpty() ? query.value() : query.name();
        }
        PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
        if (path != null && !(path.name() + path.value()).isEmpty()) {
            return path.name().isEmpty() ? path.value() : path.name();
        }
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        if (header != null && !(header.name() + header.value()).isEmpty()) {
            return header.name().isEmpty() ? header.value() : header.name();
        }
        String name = parameter.getParameterName();
        return name == null ? "a parameter" : ProblemExceptionHandler.snakeCase(name);
    }

    /** A streaming (syntax) failure that is not a mapping one. */
    private static StreamReadException findSyntax(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e instanceof StreamReadException read && !(e instanceof DatabindException)) {
                return read;
            }
            if (e.getCause() == e) {
                break;
            }
        }
        return null;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (type.isInstance(e)) {
                return type.cast(e);
            }
            if (e.getCause() == e) {
                break;
            }
        }
        return null;
    }
}
