package io.depot.platform.trail;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How downloads are recorded ({@code depot.downloads.*}), in group commits ({@link DownloadTrail}).
 *
 * @param maxBatch       FileDownloaded events appended in one event-store transaction
 * @param maxPending     downloads that may wait for a transaction; beyond them the service answers 503
 * @param anchorLookback how far back a process's first chain looks for the newest link of another chain to name
 *                       (read from the event store once, at the process's first download)
 */
@ConfigurationProperties("depot.downloads")
@Validated
public record DownloadsProperties(
        @DefaultValue("500") @Min(1) int maxBatch,
        @DefaultValue("20000") @Min(1) int maxPending,
        @DefaultValue("10m") Duration anchorLookback) {
}
