package io.depot.command.upload;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * Upload settings.
 *
 * @param defaultPartSize the part size when a client asks for none (at least 5 MiB)
 * @param sessionTtl      how long an upload session may stay unfinished
 */
@ConfigurationProperties("depot.upload")
public record UploadProperties(
        @DefaultValue("8MB") DataSize defaultPartSize,
        @DefaultValue("24h") Duration sessionTtl) {
}
