package io.depot.platform.tracing;

import org.slf4j.MDC;
import reactor.util.context.ContextView;

import java.util.HashMap;
import java.util.Map;

/**
 * What a log line says about whom and what it concerns, beside its trace and span ids: the user of the request and
 * the upload or file a message is about. Request code runs on whatever thread Reactor picks, so the user travels in
 * the Reactor context and becomes MDC entries wherever Depot's code takes the work to a thread of its own.
 */
public final class LogContext {

    /** MDC key of the authenticated user (the token's subject). */
    public static final String USER_ID = "user_id";
    /** MDC key of the upload a command or event is about. */
    public static final String UPLOAD_ID = "upload_id";
    /** MDC key of the file a command or event is about. */
    public static final String FILE_ID = "file_id";

    /** Reactor context key under which a request keeps its MDC entries. */
    static final String REACTOR_KEY = LogContext.class.getName();

    private LogContext() {
    }

    /** The MDC entries a Reactor chain carries, for the thread that goes on with its work. */
    public static Map<String, String> from(ContextView view) {
        return view.getOrDefault(REACTOR_KEY, Map.of());
    }

    /** Puts entries in the MDC and answers what they replaced, for {@link #restore}. */
    public static Map<String, String> put(Map<String, String> entries) {
        Map<String, String> replaced = new HashMap<>();
        entries.forEach((key, value) -> {
            replaced.put(key, MDC.get(key));
            MDC.put(key, value);
        });
        return replaced;
    }

    public static void restore(Map<String, String> replaced) {
        replaced.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
