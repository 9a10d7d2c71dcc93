package io.depot.projection.file;

import org.hibernate.validator.constraints.time.DurationMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * The file metadata cache ({@code depot.cache.*}). It lives in the shared Redis when one is configured
 * ({@code depot.redis.uri}; {@code depot.cache.redis-uri} is its older name), else in this process.
 *
 * @param ttl          how long an entry lives; also how stale an entry can get when a write to Redis failed
 * @param keyPrefix    prefix of every entry's Redis key
 * @param localEntries the most entries the in-process cache keeps; beyond it, the least useful are evicted
 * @param nearEntries  with Redis: the most decoded entries each process keeps in front of it, kept current by Redis'
 *                     client-side caching; 0 reads Redis every time
 */
@ConfigurationProperties("depot.cache")
@Validated
public record FileViewCacheProperties(
        @DefaultValue("60s") @DurationMin(millis = 1) Duration ttl,
        @DefaultValue("depot:file:") @NotBlank String keyPrefix,
        @DefaultValue("100000") @Min(1) long localEntries,
        @DefaultValue("10000") @Min(0) long nearEntries) {
}
