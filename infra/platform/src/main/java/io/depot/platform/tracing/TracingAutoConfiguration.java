package io.depot.platform.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.lifecycle.Phase;
import org.axonframework.springboot.autoconfig.AxonTracingAutoConfiguration;
import org.axonframework.springboot.autoconfig.OpenTelemetryAutoConfiguration;
import org.axonframework.tracing.NoOpSpanFactory;
import org.axonframework.tracing.SpanAttributesProvider;
import org.axonframework.tracing.SpanFactory;
import org.axonframework.tracing.opentelemetry.OpenTelemetrySpanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One trace per file, from the request that initiates it through its commands, its events, the sagas and workers
 * that handle them, to the S3 calls they make. Axon's own OpenTelemetry span factory carries the W3C trace context
 * in each message's metadata (an event appended by a handler carries the handler's), on the OpenTelemetry SDK that
 * the Spring Boot starter builds; the HTTP spans are the starter's. Log lines get the user and the upload or file
 * ids in the MDC (see {@link LogContext}).
 */
@AutoConfiguration(before = {OpenTelemetryAutoConfiguration.class, AxonTracingAutoConfiguration.class},
        afterName = "io.opentelemetry.instrumentation.spring.autoconfigure.OpenTelemetryAutoConfiguration")
public class TracingAutoConfiguration {

    /** Prefix of the span attributes Depot adds: {@code depot.upload_id}, {@code depot.file_id}. */
    static final String ATTRIBUTE_PREFIX = "depot.";

    static final String INSTRUMENTATION_NAME = "io.depot";

    /**
     * Only the trace context goes into message metadata, which the event store keeps with each event: baggage a
     * caller sent has no business there.
     */
    @Bean
    SpanFactory spanFactory(OpenTelemetry openTelemetry, @Value("${otel.sdk.disabled:false}") boolean disabled) {
        if (disabled) {
            return NoOpSpanFactory.INSTANCE;
        }
        return OpenTelemetrySpanFactory.builder()
                .tracer(openTelemetry.getTracer(INSTRUMENTATION_NAME))
                .contextPropagators(W3CTraceContextPropagator.getInstance())
                .build();
    }

    /**
     * Deadline executions in the trace that scheduled them, up to {@code depot.tracing.same-trace-limit} after
     * scheduling (see {@link DeadlineTraces}).
     */
    @Bean
    DeadlineTraces deadlineManagerSpanFactory(
            SpanFactory spanFactory, @Value("${depot.tracing.same-trace-limit:10m}") Duration sameTraceLimit) {
        return new DeadlineTraces(spanFactory, sameTraceLimit, Clock.systemUTC());
    }

    /** The trace context and time of scheduling go into every deadline this process schedules. */
    @Bean
    SmartInitializingSingleton deadlineTraceContext(ObjectProvider<DeadlineManager> deadlineManagers,
                                                   DeadlineTraces deadlineTraces) {
        return () -> deadlineManagers.orderedStream()
                .forEach(deadlines -> deadlines.registerDispatchInterceptor(deadlineTraces));
    }

    /** The upload and file ids of every command, event and saga span. */
    @Bean
    SpanAttributesProvider depotIdsSpanAttributes() {
        return message -> {
            Map<String, String> attributes = new HashMap<>();
            MessageIds.of(message.getPayload()).forEach((key, id) -> attributes.put(ATTRIBUTE_PREFIX + key, id));
            return attributes;
        };
    }

    @Bean
    AutoConfigurationCustomizerProvider sharePathsInSpans() {
        return customizer -> customizer.addTracerProviderCustomizer(
                (tracer, config) -> tracer.addSpanProcessor(new SharePathsInSpans()));
    }

    @Bean
    ExecutionInterceptor s3CallSpans(OpenTelemetry openTelemetry) {
        return new S3CallSpans(openTelemetry.getTracer(INSTRUMENTATION_NAME));
    }

    @Bean
    ConfigurerModule handlerLogContext(SpanFactory spanFactory,
                                       @Value("${depot.tracing.same-trace-limit:10m}") Duration sameTraceLimit) {
        return configurer -> {
            if (!(spanFactory instanceof NoOpSpanFactory)) {
                // Outermost, so that the ids below go on the span a dead letter's retry runs in.
                RetriedEventTraces retried = new RetriedEventTraces(spanFactory, sameTraceLimit, Clock.systemUTC());
                configurer.eventProcessing().registerDefaultHandlerInterceptor((config, name) -> retried);
            }
            configurer.eventProcessing().registerDefaultHandlerInterceptor((config, name) -> new HandlerLogContext<>());
            configurer.onInitialize(config -> config.onStart(Phase.LOCAL_MESSAGE_HANDLER_REGISTRATIONS,
                    () -> config.commandBus().registerHandlerInterceptor(new HandlerLogContext<>())));
        };
    }

    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    UserLogContext userLogContext() {
        return new UserLogContext();
    }
}
