package io.depot.command.upload;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * Upload settings.
 *
 * @param defaultPartSize       the part size when a client asks for none (at least 5 MiB)
 * @param sessionTtl            how long an upload session may stay unfinished
 * @param readYourWritesTimeout how long a request that changed a session waits for the read model to show the change
 * @param readYourWritesPoll    how often such a request re-reads the read model when no change is pushed to it
 * @param progressPoll          how often a progress stream re-reads the read model when no change is pushed to it
 * @param readModelTimeout      how long the upload path waits for the read model before asking the session itself
 */
@ConfigurationProperties("depot.upload")
public record UploadProperties(
        @DefaultValue("8MB") DataSize defaultPartSize,
        @DefaultValue("24h") Duration sessionTtl,
        @DefaultValue("5s") Duration readYourWritesTimeout,
        @DefaultValue("250ms") Duration readYourWritesPoll,
        @DefaultValue("5s") Duration progressPoll,
        @DefaultValue("2s") Duration readModelTimeout) {
}
