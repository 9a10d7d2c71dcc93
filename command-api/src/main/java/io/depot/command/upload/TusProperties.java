package io.depot.command.upload;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The tus server's settings ({@code depot.tus}).
 *
 * @param lease           how long a PATCH holds its upload's write lease without renewing it; a request that died
 *                        holding one keeps others out this long at most
 * @param idleTimeout     how long a PATCH may send nothing before it counts as cut; what it sent is kept
 * @param maxWrites       how many PATCHes one instance writes at once; more are answered 503 with Retry-After
 * @param spoolDirectory  where a PATCH keeps the bytes of the part it is receiving until the part is whole, and
 *                        the part being stored meanwhile (two parts per PATCH at most, each deleted once stored); the
 *                        system's temporary directory when unset
 * @param maxChunk        the largest PATCH body with an {@code Upload-Checksum}: it is kept whole until its checksum
 *                        is verified
 */
@ConfigurationProperties("depot.tus")
public record TusProperties(
        @DefaultValue("30s") Duration lease,
        @DefaultValue("60s") Duration idleTimeout,
        @DefaultValue("64") int maxWrites,
        Path spoolDirectory,
        @DefaultValue("1GB") DataSize maxChunk) {
}
