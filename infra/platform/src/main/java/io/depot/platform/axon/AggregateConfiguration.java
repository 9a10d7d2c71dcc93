package io.depot.platform.axon;

import io.depot.blob.StoredBlob;
import io.depot.error.DepotException;
import io.depot.file.FileName;
import io.depot.file.StoredFile;
import io.depot.reconcile.ReconcileRun;
import io.depot.upload.UploadAllowance;
import io.depot.upload.UploadSession;
import io.opentelemetry.context.Context;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.commandhandling.gateway.IntervalRetryScheduler;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.WeakReferenceCache;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventsourcing.AggregateFactory;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.GenericAggregateFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The write side's aggregates, for every service that sends commands: without Axon Server a command is handled in
 * the process that sends it, so the command service and the workers each host all of them, and the event store's
 * optimistic concurrency keeps them apart. Where one process handles every command (the all-in-one,
 * {@code depot.event-store.cache-aggregates}), an upload session is cached while in use, so recording its next part
 * loads nothing; an instance that has not seen it yet loads its latest snapshot (taken every
 * {@code depot.event-store.snapshot-every} events) and the few events after it, so recording an upload's 10,000th
 * part does not replay 10,000 events. A cached session that another instance changed fails its append and is evicted;
 * the retry loads it afresh, and a reader that must see what other instances recorded evicts it from
 * {@code uploadSessionCache} before loading it. A user's upload allowance, changed by every initiate and every end
 * of an upload, is cached and snapshotted the same way. Files and blobs (whose references can run into the
 * thousands, so they are snapshotted too) are not cached: sagas and workers change them inside
 * their own event processing, whose retries must never meet a cached state that a rolled-back transaction left.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EventStoreProperties.class)
public class AggregateConfiguration {

    /** As beans, the factories are what Axon's Spring snapshotter finds to rebuild aggregates for snapshots. */
    @Bean
    AggregateFactory<UploadSession> uploadSessionFactory() {
        return new GenericAggregateFactory<>(UploadSession.class);
    }

    @Bean
    AggregateFactory<StoredFile> storedFileFactory() {
        return new GenericAggregateFactory<>(StoredFile.class);
    }

    @Bean
    AggregateFactory<StoredBlob> storedBlobFactory() {
        return new GenericAggregateFactory<>(StoredBlob.class);
    }

    @Bean
    AggregateFactory<UploadAllowance> uploadAllowanceFactory() {
        return new GenericAggregateFactory<>(UploadAllowance.class);
    }

    @Bean
    AggregateFactory<ReconcileRun> reconcileRunFactory() {
        return new GenericAggregateFactory<>(ReconcileRun.class);
    }

    /** The upload sessions this instance holds in memory; a bean so that readers can evict a session first. */
    @Bean
    Cache uploadSessionCache() {
        return new WeakReferenceCache();
    }

    /**
     * Commands that lose an optimistic-concurrency race (another instance or thread appended to the same
     * aggregate first) are retried on fresh state; refusals from the domain are not. A retry runs in the trace
     * context of the dispatch that failed, so the retried command stays in its request's trace.
     */
    @Bean(destroyMethod = "shutdown")
    ScheduledExecutorService commandRetryExecutor() {
        return Context.taskWrapping(Executors.newScheduledThreadPool(2));
    }

    @Bean
    CommandGateway commandGateway(CommandBus commandBus, ScheduledExecutorService commandRetryExecutor) {
        return DefaultCommandGateway.builder()
                .commandBus(commandBus)
                .retryScheduler(IntervalRetryScheduler.builder()
                        .retryExecutor(commandRetryExecutor)
                        .retryInterval(20)
                        .maxRetryCount(5)
                        .addNonTransientFailurePredicate(DepotException.class, e -> true)
                        .build())
                .build();
    }

    /**
     * A reconcile run records its findings one command at a time from a single job, never from an event
     * handler, so caching it is safe and keeps a run with many findings from reloading them all each time.
     */
    @Bean
    ConfigurerModule aggregates(AggregateFactory<UploadSession> uploadSessionFactory,
                                AggregateFactory<StoredFile> storedFileFactory,
                                AggregateFactory<StoredBlob> storedBlobFactory,
                                AggregateFactory<UploadAllowance> uploadAllowanceFactory,
                                AggregateFactory<ReconcileRun> reconcileRunFactory,
                                Cache uploadSessionCache,
                                EventStoreProperties eventStore) {
        int snapshotEvery = eventStore.snapshotEvery();
        boolean cached = eventStore.cacheAggregates();
        AggregateConfigurer<UploadSession> sessions = AggregateConfigurer.defaultConfiguration(UploadSession.class)
                .configureAggregateFactory(c -> uploadSessionFactory)
                .configureSnapshotTrigger(c -> new EventCountSnapshotTriggerDefinition(c.snapshotter(), snapshotEvery));
        AggregateConfigurer<UploadAllowance> allowances = AggregateConfigurer.defaultConfiguration(UploadAllowance.class)
                .configureAggregateFactory(c -> uploadAllowanceFactory)
                .configureSnapshotTrigger(c -> new EventCountSnapshotTriggerDefinition(c.snapshotter(), snapshotEvery));
        AggregateConfigurer<ReconcileRun> runs = AggregateConfigurer.defaultConfiguration(ReconcileRun.class)
                .configureAggregateFactory(c -> reconcileRunFactory)
                .configureSnapshotTrigger(c -> new EventCountSnapshotTriggerDefinition(c.snapshotter(), snapshotEvery));
        if (cached) {
            sessions.configureCache(c -> uploadSessionCache);
            allowances.configureCache(c -> new WeakReferenceCache());
            runs.configureCache(c -> new WeakReferenceCache());
        }
        return configurer -> configurer
                .configureAggregate(sessions)
                .configureAggregate(allowances)
                .configureAggregate(AggregateConfigurer.defaultConfiguration(StoredFile.class)
                        .configureAggregateFactory(c -> storedFileFactory)
                        .configureSnapshotTrigger(c -> new EventCountSnapshotTriggerDefinition(c.snapshotter(), snapshotEvery)))
                .configureAggregate(AggregateConfigurer.defaultConfiguration(StoredBlob.class)
                        .configureAggregateFactory(c -> storedBlobFactory)
                        .configureSnapshotTrigger(c -> new EventCountSnapshotTriggerDefinition(c.snapshotter(), snapshotEvery)))
                .configureAggregate(runs)
                .configureAggregate(FileName.class);
    }
}
