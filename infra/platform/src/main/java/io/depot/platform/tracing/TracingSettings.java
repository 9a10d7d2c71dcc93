package io.depot.platform.tracing;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Traces are off unless an OTLP endpoint is configured: then no SDK runs, no instrumentation wraps anything and
 * nothing tries to connect anywhere, so a service starts and serves as it would without them. When they are on,
 * only traces are exported (metrics and logs have their own ways out), and the per-statement database and
 * MongoDB spans, which the processors' polling would turn into a steady stream of traces, stay off unless asked
 * for. Also turns {@code depot.log.format} ({@code DEPOT_LOG_FORMAT}) into Spring Boot's structured console logs.
 */
public class TracingSettings implements EnvironmentPostProcessor {

    static final List<String> ENDPOINTS = List.of("otel.exporter.otlp.endpoint", "otel.exporter.otlp.traces.endpoint");

    static final Map<String, String> LOG_FORMATS = Map.of(
            "json", "ecs",
            "ecs", "ecs",
            "logstash", "logstash",
            "gelf", "gelf");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        defaults.put("otel.instrumentation.jdbc.enabled", "false");
        defaults.put("otel.instrumentation.mongo.enabled", "false");
        defaults.put("otel.instrumentation.spring-scheduling.enabled", "false");
        defaults.put("otel.instrumentation.logback-appender.enabled", "false");
        defaults.put("otel.instrumentation.runtime-telemetry.enabled", "false");
        // An event handler's span is a child of the span that appended the event, not the root of a trace linked to
        // it, so that a file's trace goes on through its sagas and workers; no span per batch of events.
        defaults.put("axon.tracing.event-processor.distributed-in-same-trace", "true");
        defaults.put("axon.tracing.event-processor.disable-batch-trace", "true");
        boolean endpoint = ENDPOINTS.stream().map(environment::getProperty).anyMatch(v -> v != null && !v.isBlank());
        boolean forcedOn = "false".equalsIgnoreCase(environment.getProperty("otel.sdk.disabled"));
        if (!endpoint && !forcedOn) {
            defaults.put("otel.sdk.disabled", "true");
            defaults.put("otel.instrumentation.common.default-enabled", "false");
        } else {
            // Text lines name their trace and span too, so that a line leads to its trace.
            defaults.put("logging.pattern.correlation", "[%X{trace_id:-},%X{span_id:-}] ");
        }
        String format = environment.getProperty("depot.log.format", "text").trim().toLowerCase(Locale.ROOT);
        if (!format.equals("text")) {
            String structured = LOG_FORMATS.get(format);
            if (structured == null) {
                throw new IllegalStateException("depot.log.format is " + format + "; it takes text, json (ECS), "
                        + "ecs, logstash or gelf");
            }
            defaults.put("logging.structured.format.console", structured);
        }
        environment.getPropertySources().addLast(new MapPropertySource("depotTracing", defaults));
    }
}
