package io.depot.platform.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.web.reactive.error.ErrorWebFluxAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;

import java.time.Clock;

/** Problem responses for every failure, ahead of Spring Boot's own error page; the services' clock. */
@AutoConfiguration(before = ErrorWebFluxAutoConfiguration.class)
@EnableConfigurationProperties(DepotWebProperties.class)
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
     * (bodies are also capped at {@code spring.codec.max-in-memory-size}); duplicate keys and anything after the
     * value are refused, so a body cannot mean one thing to one reader and another to the next.
     */
    @Bean
    Jackson2ObjectMapperBuilderCustomizer depotJsonLimits() {
        return builder -> builder
                .featuresToEnable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION,
                        DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .postConfigurer(mapper -> mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_JSON_DEPTH)
                        .maxNumberLength(MAX_JSON_NUMBER_LENGTH)
                        .maxStringLength(MAX_JSON_STRING_LENGTH)
                        .build()));
    }

    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    DrainDelay drainDelay(DepotWebProperties properties) {
        return new DrainDelay(properties.drainDelay());
    }

    @Bean
    ClientAddress clientAddress(DepotWebProperties properties) {
        return new ClientAddress(properties.trustedProxies());
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

    /** Requests Spring Security's firewall turns away (an empty path segment, an encoded NUL) get a problem too. */
    @Bean
    ServerExchangeRejectedHandler problemForRejectedExchange(ProblemWriter problemWriter) {
        return (exchange, rejected) -> problemWriter.write(exchange, ProblemExceptionHandler.toProblem(rejected));
    }

    /** Refusals made by the HTTP server itself, before a request reaches Spring, as problems. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(name = "reactor.netty.http.server.HttpServer")
    static class ServerLayer {

        @Bean
        ServerLayerCustomizer depotServerLayer(ProblemWriter problemWriter) {
            return new ServerLayerCustomizer(problemWriter);
        }
    }
}
