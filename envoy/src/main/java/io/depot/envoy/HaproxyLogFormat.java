package io.depot.envoy;

import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.depot.envoy.Untranslated.because;
import static io.depot.envoy.Untranslated.only;

/**
 * Envoy's JSON access log as an HAProxy {@code log-format} with the same keys. An operator without an HAProxy
 * counterpart is refused; a request header is kept in a variable for the log line, since HAProxy may have released
 * the request by the time it logs.
 */
final class HaproxyLogFormat {

    private static final Pattern REQUEST_HEADER = Pattern.compile("%REQ\\(([A-Za-z0-9-]+)\\)%");

    /** Envoy access log operators and what HAProxy logs in their place (quoted where the value is a string). */
    private static final Map<String, String> FIELDS = Map.ofEntries(
            Map.entry("%START_TIME%", "\"%trg\""),
            Map.entry("%REQ(:METHOD)%", "\"%HM\""),
            Map.entry("%REQ(:PATH)%", "\"%{+E}HU\""),
            Map.entry("%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%", "\"%{+E}HU\""),
            Map.entry("%RESPONSE_CODE%", "%ST"),
            // HAProxy's termination state, not Envoy's flags: "----" when nothing went wrong.
            Map.entry("%RESPONSE_FLAGS%", "\"%tsc\""),
            Map.entry("%BYTES_RECEIVED%", "%U"),
            Map.entry("%BYTES_SENT%", "%B"),
            Map.entry("%DURATION%", "%Ta"),
            Map.entry("%UPSTREAM_CLUSTER%", "\"%b\""),
            Map.entry("%UPSTREAM_HOST%", "\"%si:%sp\""),
            // HAProxy counts the retries (attempts - 1), with a "+" when it redispatched.
            Map.entry("%UPSTREAM_REQUEST_ATTEMPT_COUNT%", "\"%rc\""),
            Map.entry("%DOWNSTREAM_REMOTE_ADDRESS%", "\"%ci:%cp\""),
            Map.entry("%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%", "\"%ci\""));

    private HaproxyLogFormat() {
    }

    /** Envoy's JSON access log as an HAProxy log-format of the same keys; none when Envoy logs nothing. */
    static Optional<String> of(HttpConnectionManager manager) {
        if (manager.getAccessLogCount() == 0) {
            return Optional.empty();
        }
        StringBuilder format = new StringBuilder("{");
        for (var field : jsonLogFormat(manager).entrySet()) {
            String operator = field.getValue().getStringValue();
            Matcher header = REQUEST_HEADER.matcher(operator);
            String value = header.matches() && !FIELDS.containsKey(operator)
                    ? "\"%{+E}[var(" + variable(header.group(1)) + ")]\"" : FIELDS.get(operator);
            if (value == null || !HaproxyConfig.NAME.matcher(field.getKey()).matches()) {
                throw because("access_log", field.getKey() + ": " + operator + " has no HAProxy translation");
            }
            format.append(format.length() > 1 ? "," : "").append('"').append(field.getKey()).append("\":").append(value);
        }
        return Optional.of(format.append('}').toString());
    }

    /** The request headers the access log names, which HAProxy keeps in variables for the log line. */
    static List<String> requestHeaders(HttpConnectionManager manager) {
        return jsonLogFormat(manager).values().stream().map(Value::getStringValue)
                .filter(operator -> !FIELDS.containsKey(operator))
                .map(REQUEST_HEADER::matcher).filter(Matcher::matches)
                .map(m -> m.group(1).toLowerCase(Locale.ROOT)).distinct().toList();
    }

    static String variable(String header) {
        return "txn.log_" + header.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    private static Map<String, Value> jsonLogFormat(HttpConnectionManager manager) {
        if (manager.getAccessLogCount() == 0) {
            return Map.of();
        }
        AccessLog log = manager.getAccessLog(0);
        only(log, "access_log " + log.getName(), "name", "typed_config");
        if (manager.getAccessLogCount() > 1 || !log.getTypedConfig().is(StdoutAccessLog.class)) {
            throw because("access_log", "only one access log to stdout has an HAProxy translation");
        }
        StdoutAccessLog stdout = EnvoyConfig.unpack(log.getTypedConfig(), StdoutAccessLog.class);
        only(stdout, "access_log " + log.getName(), "log_format");
        only(stdout.getLogFormat(), "access_log " + log.getName() + " log_format", "json_format");
        return stdout.getLogFormat().getJsonFormat().getFieldsMap();
    }
}
