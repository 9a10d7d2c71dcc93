package io.depot.platform.axon;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The relational event store and the reader in front of it ({@code depot.event-store.*}).
 *
 * @param batchSize        events per read batch of the JDBC event store
 * @param cachedEvents     new events the processors share in memory; a processor further behind reads on its own
 * @param maxEventsPerRead events one read of the event store runs to before the next read starts: what a pass read
 *                         stays in memory until the pass ends ({@link BoundedReadsStorageEngine})
 * @param snapshotEvery    events between snapshots of every aggregate ({@link AggregateConfiguration}); the older
 *                         name {@code depot.upload.snapshot-every} still sets it
 */
@ConfigurationProperties("depot.event-store")
@Validated
public record EventStoreProperties(
        @DefaultValue("500") @Min(1) int batchSize,
        @DefaultValue("10000") @Min(1) int cachedEvents,
        @DefaultValue("10000") @Min(1) int maxEventsPerRead,
        @DefaultValue("100") @Min(1) int snapshotEvery) {
}
