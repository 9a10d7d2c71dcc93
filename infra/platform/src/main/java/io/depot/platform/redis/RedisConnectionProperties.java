package io.depot.platform.redis;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * The Redis every Redis user of a service shares ({@code depot.redis.*}): rate-limit buckets, the file metadata
 * cache, counters. Without {@code uri} (the all-in-one default) each of them keeps its state in this process.
 * The older {@code depot.limits.redis-uri} and {@code depot.cache.redis-uri} still set {@code uri}.
 *
 * @param uri               where Redis answers, e.g. {@code redis://127.0.0.1:6379}; empty for none
 * @param timeout           how long a command may wait for its answer before it fails (each user then falls back)
 * @param connectTimeout    how long one attempt to open the connection may take
 * @param maxReconnectDelay the longest pause between attempts to (re)connect while Redis is away; the pauses grow
 *                          from 100 ms up to it
 */
@ConfigurationProperties("depot.redis")
@Validated
public record RedisConnectionProperties(
        String uri,
        @DefaultValue("1s") @DurationMin(millis = 1) Duration timeout,
        @DefaultValue("1s") @DurationMin(millis = 1) Duration connectTimeout,
        @DefaultValue("10s") @DurationMin(millis = 100) Duration maxReconnectDelay) {

    /** Whether a Redis is configured. */
    public boolean configured() {
        return uri != null && !uri.isBlank();
    }
}
