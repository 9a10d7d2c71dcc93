package io.depot.platform.processing;

import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.extensions.mongo.eventhandling.deadletter.MongoSequencedDeadLetterQueue;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Background processing that loses nothing silently. The groups in {@code depot.processing.dead-lettered} get
 * Axon's sequenced dead-letter queue, kept in MongoDB beside the tokens: an event that still fails after
 * {@code depot.processing.attempts} attempts is parked with its cause, holding back only the later events of its own
 * file or upload, and retried on its own with a growing pause ({@link DeadLetterRetrier}) or by an operator. Sagas
 * cannot have one (Axon's dead-letter queue does not support them); their handlers send commands through
 * {@link BackgroundCommands} and retry through deadlines. Projections keep retrying in place: they write only their
 * own read model, and skipping an event there would leave it wrong.
 */
@AutoConfiguration(afterName = {"io.depot.platform.axon.AxonStoresAutoConfiguration",
        "io.depot.platform.web.WebAutoConfiguration"})
@EnableConfigurationProperties({ProcessingProperties.class, ScanProperties.class})
public class ProcessingAutoConfiguration {

    /** A dead letter being retried is claimed this long; a scan of a large file must fit in it. */
    private static final Duration CLAIM = Duration.ofMinutes(15);

    @Bean
    ConfigurerModule deadLetterQueues(ProcessingProperties properties, MongoTemplate axonMongoTemplate,
                                      Serializer serializer) {
        return configurer -> properties.deadLettered().forEach(group -> configurer.eventProcessing()
                .registerDeadLetterQueue(group, c -> MongoSequencedDeadLetterQueue.builder()
                        .processingGroup(group)
                        .mongoTemplate(axonMongoTemplate)
                        .serializer(serializer)
                        .claimDuration(CLAIM)
                        .build())
                .registerDeadLetterPolicy(group, c -> DeadLetters.policy())
                .registerDeadLetteringEventHandlerInvokerConfiguration(group, (c, builder) -> builder
                        .listenerInvocationErrorHandler(
                                new RetryingErrorHandler(group, properties.attempts(), properties.attemptBackoff()))));
    }

    @Bean
    DeadLetterRetrier deadLetterRetrier(EventProcessingConfiguration processing, ProcessingProperties properties,
                                        Clock clock, ObjectProvider<MeterRegistry> meters) {
        return new DeadLetterRetrier(processing, properties, clock, Optional.ofNullable(meters.getIfAvailable()));
    }

    /** Renews claims every 2 s while a long handler runs; the shortest claim timeout Depot uses is 4 s in tests. */
    @Bean
    ClaimKeeper claimKeeper(EventProcessingConfiguration processing, TokenStore tokenStore) {
        return new ClaimKeeper(processing, tokenStore, Duration.ofSeconds(2));
    }

    @Bean
    BackgroundCommands backgroundCommands(CommandGateway commandGateway, ProcessingProperties properties) {
        return new BackgroundCommands(commandGateway, properties.commandTimeout());
    }
}
