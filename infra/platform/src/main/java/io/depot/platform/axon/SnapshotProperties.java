package io.depot.platform.axon;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * When aggregates are snapshotted. The setting keeps the name users know, under {@code depot.upload}, although it
 * applies to every aggregate; the command service binds the other upload settings there.
 *
 * @param snapshotEvery events between snapshots of an aggregate
 */
@ConfigurationProperties("depot.upload")
@Validated
public record SnapshotProperties(@DefaultValue("100") @Min(1) int snapshotEvery) {
}
