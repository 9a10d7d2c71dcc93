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
 * @param readAhead        events a stream of tracked events is read ahead of its processor, on a thread of its own,
 *                         so that the next batch is fetched while one is handled; 0 reads on the processor's thread
 *                         ({@link BoundedReadsStorageEngine})
 * @param snapshotEvery    events between snapshots of every aggregate ({@link AggregateConfiguration}); the older
 *                         name {@code depot.upload.snapshot-every} still sets it
 * @param cacheAggregates  keep upload sessions, allowances and reconcile runs in memory between commands. Safe only
 *                         where one process handles every command: a cached aggregate that another process changed
 *                         is caught at its next append, but a command it refuses (parts missing, say) appends nothing
 *                         and was refused on a stale state. The all-in-one turns it on; the command and workers
 *                         services, of which several run side by side, leave it off and load each aggregate from its
 *                         latest snapshot and the events after it
 */
@ConfigurationProperties("depot.event-store")
@Validated
public record EventStoreProperties(
        @DefaultValue("500") @Min(1) int batchSize,
        @DefaultValue("10000") @Min(1) int cachedEvents,
        @DefaultValue("10000") @Min(1) int maxEventsPerRead,
        @DefaultValue("1000") @Min(0) int readAhead,
        @DefaultValue("100") @Min(1) int snapshotEvery,
        @DefaultValue("false") boolean cacheAggregates) {
}
