package io.depot.platform.tracing;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TracingSettingsTest {

    private static MockEnvironment settle(MockEnvironment environment) {
        new TracingSettings().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void withoutAnEndpointNoSdkRunsAndNothingIsInstrumented() {
        MockEnvironment environment = settle(new MockEnvironment());
        assertThat(environment.getProperty("otel.sdk.disabled")).isEqualTo("true");
        assertThat(environment.getProperty("otel.instrumentation.common.default-enabled")).isEqualTo("false");
        assertThat(environment.getProperty("logging.structured.format.console")).isNull();
        assertThat(environment.getProperty("logging.pattern.correlation")).isNull();
    }

    @Test
    void anEndpointTurnsTracesOnAndExportsNothingElse() {
        MockEnvironment environment = settle(new MockEnvironment()
                .withProperty("otel.exporter.otlp.endpoint", "http://collector:4318"));
        assertThat(environment.getProperty("otel.sdk.disabled")).isNull();
        assertThat(environment.getProperty("otel.instrumentation.common.default-enabled")).isNull();
        assertThat(environment.getProperty("otel.metrics.exporter")).isEqualTo("none");
        assertThat(environment.getProperty("otel.logs.exporter")).isEqualTo("none");
        assertThat(environment.getProperty("otel.instrumentation.jdbc.enabled")).isEqualTo("false");
        assertThat(environment.getProperty("axon.tracing.event-processor.distributed-in-same-trace")).isEqualTo("true");
        assertThat(environment.getProperty("logging.pattern.correlation")).contains("%X{trace_id").contains("%X{span_id");
    }

    @Test
    void settingsGivenOutrankTheDefaults() {
        MockEnvironment environment = settle(new MockEnvironment()
                .withProperty("otel.exporter.otlp.traces.endpoint", "http://collector:4318/v1/traces")
                .withProperty("otel.instrumentation.jdbc.enabled", "true"));
        assertThat(environment.getProperty("otel.sdk.disabled")).isNull();
        assertThat(environment.getProperty("otel.instrumentation.jdbc.enabled")).isEqualTo("true");
    }

    @Test
    void jsonLogsAreEcsAndAnUnknownFormatStopsTheService() {
        assertThat(settle(new MockEnvironment().withProperty("depot.log.format", "json"))
                .getProperty("logging.structured.format.console")).isEqualTo("ecs");
        assertThat(settle(new MockEnvironment().withProperty("depot.log.format", "logstash"))
                .getProperty("logging.structured.format.console")).isEqualTo("logstash");
        assertThat(settle(new MockEnvironment().withProperty("depot.log.format", "text"))
                .getProperty("logging.structured.format.console")).isNull();
        assertThatThrownBy(() -> settle(new MockEnvironment().withProperty("depot.log.format", "xml")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("depot.log.format");
    }
}
