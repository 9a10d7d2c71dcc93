package io.depot.platform.axon;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.mongodb.client.MongoClient;
import org.bson.Document;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import io.depot.platform.processing.ProcessingProperties;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.extensions.mongo.eventhandling.saga.repository.MongoSagaStore;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.modelling.saga.repository.SagaStore;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.mongo.MongoAutoConfiguration;
import org.springframework.boot.autoconfigure.mongo.MongoProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Where Axon keeps things: events and snapshots in a relational database (PostgreSQL, or H2 for the
 * all-in-one default) unless Axon Server is enabled; tracking tokens and sagas in MongoDB. Axon gets a
 * Jackson serializer of its own, separate from the one that writes HTTP responses.
 */
@AutoConfiguration(
        after = {DataSourceAutoConfiguration.class, MongoAutoConfiguration.class},
        beforeName = {
                "org.axonframework.springboot.autoconfig.AxonAutoConfiguration",
                "org.axonframework.springboot.autoconfig.JdbcAutoConfiguration",
                "org.axonframework.springboot.autoconfig.AxonServerAutoConfiguration"})
@EnableConfigurationProperties({ProcessingProperties.class, EventStoreProperties.class, MongoProperties.class})
public class AxonStoresAutoConfiguration {

    /** The mapper Axon writes messages, snapshots and tokens with: fields, not getters, so aggregates snapshot whole. */
    static ObjectMapper axonObjectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .setVisibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY)
                .registerModule(new SimpleModule("depot-instants").addDeserializer(Instant.class,
                        new AxonInstantDeserializer()));
    }

    private static Serializer jackson() {
        return new KnownTypesJacksonSerializer(JacksonSerializer.builder().objectMapper(axonObjectMapper()));
    }

    @Bean
    @Primary
    Serializer serializer() {
        return jackson();
    }

    @Bean
    @Qualifier("messageSerializer")
    Serializer messageSerializer() {
        return jackson();
    }

    @Bean
    @Qualifier("eventSerializer")
    Serializer eventSerializer() {
        return jackson();
    }

    /** An H2 database commits to its file before Depot answers; see {@link H2WriteDelay}. */
    @Bean
    static BeanPostProcessor h2WriteDelay() {
        return new H2WriteDelay();
    }

    /** An unset {@code AXON_TOKEN} or {@code AXON_CERT_FILE} is no token, no certificate file; see {@link BlankAxonServerSettings}. */
    @Bean
    static BeanPostProcessor blankAxonServerSettings() {
        return new BlankAxonServerSettings();
    }

    @Bean
    @ConditionalOnProperty(name = "axon.axonserver.enabled", havingValue = "false")
    EventStorageEngine eventStorageEngine(DataSource dataSource,
                                          Serializer serializer,
                                          @Qualifier("eventSerializer") Serializer eventSerializer,
                                          TransactionManager transactionManager,
                                          org.axonframework.config.Configuration configuration,
                                          EventStoreProperties eventStore) throws SQLException {
        DatabaseSchema.createEventStore(dataSource);
        PersistenceExceptionResolver exceptions = new DuplicateKeyResolver();
        return ParsedTimestampsJdbcEngine.create(JdbcEventStorageEngine.builder()
                .snapshotSerializer(serializer)
                .eventSerializer(eventSerializer)
                .upcasterChain(configuration.upcasterChain())
                .persistenceExceptionResolver(exceptions)
                .connectionProvider(new SpringDataSourceConnectionProvider(dataSource))
                .transactionManager(transactionManager)
                .batchSize(eventStore.batchSize()));
    }

    /**
     * The event store in front of the relational engine. Its processors share one reader of new events, which keeps
     * the last {@code depot.event-store.cached-events} in memory; a processor further behind reads on its own. Each
     * read runs at most {@code depot.event-store.max-events-per-read} events ({@link BoundedReadsStorageEngine}):
     * the shared reader keeps all it read in one pass in memory until the pass ends.
     */
    @Bean("eventBus")
    @ConditionalOnProperty(name = "axon.axonserver.enabled", havingValue = "false")
    EmbeddedEventStore eventStore(EventStorageEngine storageEngine,
                                  org.axonframework.config.Configuration configuration,
                                  EventStoreProperties eventStore) {
        return EmbeddedEventStore.builder()
                .storageEngine(new BoundedReadsStorageEngine(storageEngine, eventStore.maxEventsPerRead(),
                        eventStore.readAhead()))
                .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
                .cachedEvents(eventStore.cachedEvents())
                .build();
    }

    /**
     * A handler that fails (its store is down, say) stops its processor, which retries the same events with
     * back-off until they succeed: no event is skipped by a projection, saga or worker.
     */
    @Bean
    ConfigurerModule retryFailedEventHandling() {
        return configurer -> configurer.eventProcessing()
                .registerDefaultListenerInvocationErrorHandler(c -> PropagatingErrorHandler.instance());
    }

    /**
     * {@code mongo} in {@code /health}, and one of the stores the readiness probe waits for: tracking tokens, sagas,
     * read models and idempotency keys live there. A ping, answered within two seconds or counted as down.
     */
    @Bean
    ReactiveHealthIndicator mongoHealthIndicator(MongoClient mongoClient, MongoProperties mongo) {
        // A ping that outlives the timeout is left to finish rather than interrupted (which the driver reports as
        // an error of its own).
        return () -> Mono.fromFuture(() -> CompletableFuture.supplyAsync(() -> mongoClient
                                .getDatabase(mongo.getMongoClientDatabase()).runCommand(new Document("ping", 1)),
                        task -> Schedulers.boundedElastic().schedule(task)), true)
                .timeout(Duration.ofSeconds(2))
                .map(answer -> Health.up().build())
                .onErrorResume(e -> Mono.just(Health.down().withDetail("error", e.getClass().getSimpleName()).build()));
    }

    @Bean
    MongoTemplate axonMongoTemplate(MongoClient mongoClient, MongoProperties mongo) {
        return DefaultMongoTemplate.builder().mongoDatabase(mongoClient, mongo.getMongoClientDatabase()).build();
    }

    /**
     * Claims last {@code depot.processing.claim-timeout} without renewal; then another instance may take the
     * segment (see {@link ProcessingProperties#claimTimeout()}).
     */
    @Bean
    TokenStore tokenStore(MongoTemplate axonMongoTemplate, Serializer serializer, ObjectProvider<TokenOwner> owner,
                          ProcessingProperties processing) {
        MongoTokenStore.Builder builder = MongoTokenStore.builder()
                .mongoTemplate(axonMongoTemplate)
                .serializer(serializer)
                .claimTimeout(processing.claimTimeout());
        owner.ifAvailable(o -> builder.nodeId(o.name()));
        MongoTokenStore store = builder.build();
        store.ensureIndexes();
        return new TokensAfterCommit(store);
    }

    @Bean
    SagaStore<Object> sagaStore(MongoTemplate axonMongoTemplate, Serializer serializer) {
        return MongoSagaStore.builder()
                .mongoTemplate(axonMongoTemplate)
                .serializer(serializer)
                .build();
    }
}
