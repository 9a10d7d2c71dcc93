package io.depot.platform.axon;

import com.mongodb.client.MongoClient;
import io.depot.platform.processing.ProcessingProperties;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.config.EventProcessingModule;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.mongo.MongoProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * How the event processors run and how the instances of a service, and of the services that run the same
 * processors, share them ({@link ProcessingProperties}): projections in batches in one segment, sagas and workers in
 * segments spread over the instances.
 */
@AutoConfiguration(after = AxonStoresAutoConfiguration.class,
        beforeName = {"org.axonframework.springboot.autoconfig.AxonAutoConfiguration",
                "org.axonframework.springboot.autoconfig.EventProcessingAutoConfiguration"})
@EnableConfigurationProperties({ProcessingProperties.class, MongoProperties.class})
public class SegmentedProcessingAutoConfiguration {

    /**
     * Axon's event processing, with each tracking processor's plain handler components answering whether they support
     * a reset from their first answer ({@link FixedResetInvoker}): every processor asks it of them for every event. A
     * read model's rebuild runs the live processor's invoker, so it has the same.
     */
    @Bean
    EventProcessingModule eventProcessingModule() {
        return new EventProcessingModule() {
            @Override
            protected EventProcessor trackingEventProcessor(String name, EventHandlerInvoker invoker,
                                                            TrackingEventProcessorConfiguration config,
                                                            StreamableMessageSource<TrackedEventMessage<?>> source) {
                return super.trackingEventProcessor(name, FixedResetInvoker.of(invoker), config, source);
            }
        };
    }

    /**
     * The projections take up to {@code depot.processing.batch-size} events at a time, in one unit of work with one
     * token update (and, where a projection collects them, one bulk write): a burst of downloads or a replay costs a
     * store round trip per batch, not per event. A failure retries the whole batch; projection handlers are
     * idempotent.
     */
    @Bean
    ConfigurerModule batchedProjections(ProcessingProperties properties) {
        return configurer -> properties.batched().forEach(name -> configurer.eventProcessing()
                .registerTrackingEventProcessorConfiguration(name, c -> TrackingEventProcessorConfiguration
                        .forSingleThreadedProcessing().andBatchSize(properties.batchSize())));
    }

    /**
     * Every other processor, the sagas and workers, runs in {@code depot.processing.worker-segments} segments with
     * a thread for each, one event at a time: their handlers call storage and may run long, and a batch holds its
     * claim until it commits. Events of one aggregate stay in one segment, in order.
     */
    @Bean
    ConfigurerModule segmentedProcessors(ProcessingProperties properties) {
        return configurer -> configurer.eventProcessing()
                .registerTrackingEventProcessorConfiguration(c -> segmented(properties));
    }

    /**
     * A segmented processor's configuration: {@link ProcessingProperties#threads()} threads, the first tokens in
     * {@code worker-segments} segments, and a look for segments nobody holds every {@code claim-interval}.
     */
    static TrackingEventProcessorConfiguration segmented(ProcessingProperties properties) {
        return TrackingEventProcessorConfiguration.forParallelProcessing(properties.threads())
                .andInitialSegmentsCount(properties.workerSegments())
                .andTokenClaimInterval(properties.claimInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Event processors run without a database transaction. Their tokens, sagas, dead letters and read models are in
     * MongoDB, and what their handlers add to the event store goes through commands, each committed in a transaction
     * of its own. A transaction around each batch (and each claim extension) held one of the event store's pooled
     * connections for as long as the batch ran without using it: with MongoDB unreachable, every processor waited on it
     * holding a connection, the pool ran dry, and uploads, which need only the event store, failed with 503.
     */
    @Bean
    ConfigurerModule processorsWithoutDatabaseTransactions() {
        return configurer -> configurer.eventProcessing()
                .registerDefaultTransactionManager(c -> NoTransactionManager.INSTANCE);
    }

    @Bean
    ConfigurerModule handledEventsLog() {
        return configurer -> configurer.eventProcessing()
                .registerDefaultHandlerInterceptor((c, name) -> new HandledEventsLog(name));
    }

    /**
     * Not where a {@link TokenOwner} says this process is the only one ever to use its token store: there is nobody
     * to share with.
     */
    @Bean
    @ConditionalOnMissingBean(TokenOwner.class)
    SegmentBalancer segmentBalancer(EventProcessingConfiguration processing, TokenStore tokenStore,
                                    MongoClient mongoClient, MongoProperties mongo,
                                    ProcessingProperties properties) {
        return new SegmentBalancer(processing, tokenStore,
                mongoClient.getDatabase(mongo.getMongoClientDatabase()).getCollection(SegmentBalancer.COLLECTION), properties,
                ManagementFactory.getRuntimeMXBean().getName());
    }
}
