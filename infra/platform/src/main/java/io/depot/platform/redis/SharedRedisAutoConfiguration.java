package io.depot.platform.redis;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The Redis connection every Redis user of a service shares ({@link SharedRedis}). */
@AutoConfiguration
@EnableConfigurationProperties(RedisConnectionProperties.class)
public class SharedRedisAutoConfiguration {

    @Bean(destroyMethod = "close")
    SharedRedis sharedRedis(RedisConnectionProperties properties) {
        return new SharedRedis(properties);
    }
}
