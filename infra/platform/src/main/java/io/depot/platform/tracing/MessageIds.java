package io.depot.platform.tracing;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The upload and file ids a message is about, read from its payload's {@code uploadId} and {@code fileId} record
 * components: every command and event of an upload or a file names them so, and nothing else needs to be taught.
 */
final class MessageIds {

    private static final Map<String, String> COMPONENTS = Map.of(
            "uploadId", LogContext.UPLOAD_ID,
            "fileId", LogContext.FILE_ID);

    private static final ClassValue<List<Accessor>> ACCESSORS = new ClassValue<>() {
        @Override
        protected List<Accessor> computeValue(Class<?> type) {
            if (!type.isRecord()) {
                return List.of();
            }
            return java.util.Arrays.stream(type.getRecordComponents())
                    .filter(c -> c.getType() == String.class && COMPONENTS.containsKey(c.getName()))
                    .map(MessageIds::accessor)
                    .toList();
        }
    };

    private record Accessor(String key, Method method) {
    }

    private MessageIds() {
    }

    private static Accessor accessor(RecordComponent component) {
        Method method = component.getAccessor();
        method.setAccessible(true);
        return new Accessor(COMPONENTS.get(component.getName()), method);
    }

    /** {@code upload_id} and {@code file_id} where the payload has them, in that order; empty otherwise. */
    static Map<String, String> of(Object payload) {
        if (payload == null) {
            return Map.of();
        }
        List<Accessor> accessors = ACCESSORS.get(payload.getClass());
        if (accessors.isEmpty()) {
            return Map.of();
        }
        Map<String, String> ids = new LinkedHashMap<>();
        for (Accessor accessor : accessors) {
            try {
                Object value = accessor.method().invoke(payload);
                if (value != null) {
                    ids.put(accessor.key(), value.toString());
                }
            } catch (ReflectiveOperationException e) {
                // An id missing from a log line or span is no reason to fail the message.
            }
        }
        return ids;
    }
}
