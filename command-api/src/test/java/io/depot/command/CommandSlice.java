package io.depot.command;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The context of a command service controller's {@code @WebFluxTest}, named with the controller in
 * {@code @ContextConfiguration}: a clock that stands still. The service's own application class would bring its read
 * models and their MongoDB along.
 */
@Configuration(proxyBeanMethods = false)
public class CommandSlice {

    public static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

    @Bean
    Clock clock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }
}
