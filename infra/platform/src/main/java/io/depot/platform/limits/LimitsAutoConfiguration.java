package io.depot.platform.limits;

import io.depot.platform.web.ClientAddress;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.time.Clock;

/** Rate limits and quotas, unless {@code depot.limits.enabled} is false. */
@AutoConfiguration
@EnableConfigurationProperties(LimitsProperties.class)
@ConditionalOnProperty(name = "depot.limits.enabled", matchIfMissing = true)
public class LimitsAutoConfiguration {

    @Bean(destroyMethod = "close")
    RateLimiter rateLimiter(LimitsProperties properties, Clock clock, MeterRegistry meters) {
        return new RateLimiter(properties, clock, meters);
    }

    @Bean
    RateLimitFilter rateLimitFilter(RateLimiter limiter, LimitsProperties properties, ClientAddress clientAddress) {
        return new RateLimitFilter(limiter, properties, clientAddress);
    }
}
