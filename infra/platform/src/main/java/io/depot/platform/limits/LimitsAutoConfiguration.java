package io.depot.platform.limits;

import io.depot.platform.redis.SharedRedis;
import io.depot.platform.redis.SharedRedisAutoConfiguration;
import io.depot.platform.web.ClientAddress;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.time.Clock;

/** Rate limits and quotas, unless {@code depot.limits.enabled} is false. */
@AutoConfiguration(after = SharedRedisAutoConfiguration.class)
@EnableConfigurationProperties(LimitsProperties.class)
@ConditionalOnProperty(name = "depot.limits.enabled", matchIfMissing = true)
public class LimitsAutoConfiguration {

    @Bean
    RateLimiter rateLimiter(LimitsProperties properties, SharedRedis sharedRedis, Clock clock, MeterRegistry meters) {
        return new RateLimiter(properties, sharedRedis, clock, meters);
    }

    @Bean
    RateLimitFilter rateLimitFilter(RateLimiter limiter, LimitsProperties properties, ClientAddress clientAddress,
                                    MeterRegistry meters) {
        return new RateLimitFilter(limiter, properties, clientAddress, meters);
    }
}
