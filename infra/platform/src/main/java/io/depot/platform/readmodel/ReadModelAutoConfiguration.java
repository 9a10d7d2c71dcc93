package io.depot.platform.readmodel;

import com.mongodb.client.MongoClient;
import io.depot.platform.axon.AxonStoresAutoConfiguration;
import io.depot.platform.processing.ProcessingProperties;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.mongo.MongoProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Read models in generations, rebuilt beside the live copy ({@link Rebuilds}). */
@AutoConfiguration(after = AxonStoresAutoConfiguration.class,
        beforeName = "org.axonframework.springboot.autoconfig.AxonAutoConfiguration")
@EnableConfigurationProperties({ReadModelProperties.class, ProcessingProperties.class, MongoProperties.class})
public class ReadModelAutoConfiguration {

    @Bean
    Generations readModelGenerations(MongoClient mongoClient, MongoProperties mongo, ReadModelProperties properties,
                                     ObjectProvider<Clock> clock) {
        return new Generations(mongoClient.getDatabase(mongo.getMongoClientDatabase()), properties.pointerTtl(),
                clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    ReadModelCollections readModelCollections(MongoClient mongoClient, MongoProperties mongo, Generations generations) {
        return new ReadModelCollections(mongoClient.getDatabase(mongo.getMongoClientDatabase()), generations::live);
    }

    /**
     * Each processor's handlers write the generation its name says; after a restart a rebuilt projection's processor
     * is named for its live generation, so it resumes that copy's token.
     */
    @Bean
    ConfigurerModule generationProcessors(Generations generations, ProcessingProperties properties) {
        return configurer -> {
            configurer.eventProcessing().registerDefaultHandlerInterceptor((c, name) -> new GenerationBinding(name));
            Map<String, String> rebuilt = new HashMap<>();
            properties.replayable().forEach(group -> {
                int live = generations.pointer(group).live();
                if (live > 1) {
                    rebuilt.put(group, Generations.processorName(group, live));
                }
            });
            if (rebuilt.isEmpty()) {
                return;
            }
            configurer.eventProcessing().assignProcessingGroup(group -> rebuilt.getOrDefault(group, group));
            rebuilt.forEach((group, name) -> {
                if (properties.isBatched(group)) {
                    configurer.eventProcessing().registerTrackingEventProcessorConfiguration(name, c ->
                            TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                                    .andBatchSize(properties.batchSize()));
                }
            });
        };
    }

    @Bean
    Rebuilds rebuilds(EventProcessingConfiguration processing, EventStore eventStore, TokenStore tokenStore,
                      TransactionManager transactions, MongoTemplate axonMongoTemplate, Serializer serializer,
                      Generations generations, ReadModelCollections collections, ProcessingProperties processingProperties,
                      ReadModelProperties properties, ObjectProvider<Clock> clock) {
        return new Rebuilds(processing, eventStore, tokenStore, transactions, axonMongoTemplate.trackingTokensCollection(),
                serializer, generations, collections, processingProperties, properties, clock.getIfAvailable(Clock::systemUTC));
    }
}
