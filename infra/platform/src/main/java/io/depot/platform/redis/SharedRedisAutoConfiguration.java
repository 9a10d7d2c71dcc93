package io.depot.platform.redis;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The Redis connection every Redis user of a service shares ({@link SharedRedis}). */
@AutoConfiguration
@EnableConfigurationProperties(RedisConnectionProperties.class)
public class SharedRedisAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SharedRedis sharedRedis(RedisConnectionProperties properties) {
        return new SharedRedis(properties);
    }

    /** 1 while the shared connection is open, 0 while Redis is away; absent where no Redis is configured. */
    @Bean
    MeterBinder sharedRedisConnected(SharedRedis redis) {
        return registry -> {
            if (redis.configured()) {
                Gauge.builder("depot.redis.connected", redis, r -> r.connection() != null ? 1 : 0)
                        .description("Whether the Redis connection the rate limits and the metadata cache share is open")
                        .register(registry);
            }
        };
    }
}
