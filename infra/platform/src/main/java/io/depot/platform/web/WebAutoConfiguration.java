package io.depot.platform.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.web.reactive.error.ErrorWebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;

import java.time.Clock;
import java.util.List;

/** Problem responses for every failure, ahead of Spring Boot's own error page; the services' clock. */
@AutoConfiguration(before = ErrorWebFluxAutoConfiguration.class)
public class WebAutoConfiguration {

    static final int MAX_JSON_DEPTH = 16;
    static final int MAX_JSON_NUMBER_LENGTH = 32;
    static final int MAX_JSON_STRING_LENGTH = 64 * 1024;

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Bounds on what a request body may make the JSON parser do: nesting depth, number and string lengths
     * (bodies are also capped at {@code spring.codec.max-in-memory-size}); duplicate keys are refused, so a body
     * cannot mean one thing to one reader and another to the next.
     */
    @Bean
    Jackson2ObjectMapperBuilderCustomizer depotJsonLimits() {
        return builder -> builder
                .featuresToEnable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .postConfigurer(mapper -> mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_JSON_DEPTH)
                        .maxNumberLength(MAX_JSON_NUMBER_LENGTH)
                        .maxStringLength(MAX_JSON_STRING_LENGTH)
                        .build()));
    }

    @Bean
    ClientAddress clientAddress(@Value("${depot.web.trusted-proxies:}") List<String> trustedProxies) {
        return new ClientAddress(trustedProxies);
    }

    @Bean
    ProblemWriter problemWriter(ObjectMapper objectMapper, MeterRegistry meters, ClientAddress clientAddress) {
        return new ProblemWriter(objectMapper, meters, clientAddress);
    }

    @Bean
    @Order(-2)
    ProblemExceptionHandler problemExceptionHandler(ProblemWriter problemWriter) {
        return new ProblemExceptionHandler(problemWriter);
    }
}
