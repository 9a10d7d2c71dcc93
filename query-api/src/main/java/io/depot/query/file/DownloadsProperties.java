package io.depot.query.file;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How downloads are recorded ({@code depot.downloads.*}), in group commits ({@link DownloadLog}).
 *
 * @param maxBatch   FileDownloaded events appended in one event-store transaction
 * @param maxPending downloads that may wait for a transaction; beyond them the service answers 503
 */
@ConfigurationProperties("depot.downloads")
@Validated
public record DownloadsProperties(
        @DefaultValue("500") @Min(1) int maxBatch,
        @DefaultValue("20000") @Min(1) int maxPending) {
}
