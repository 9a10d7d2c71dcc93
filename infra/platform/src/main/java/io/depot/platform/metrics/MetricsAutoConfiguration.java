package io.depot.platform.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Bean;

import java.time.Clock;

/**
 * What Depot counts beyond Spring's request metrics, for {@code /prometheus}: commands by name and outcome, the
 * upload, download and scan outcomes its events record, and how far each event processor is behind. Every label
 * takes values from a fixed set (command classes, processing groups, enums): never a user, file or upload id.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus"
                + ".PrometheusMetricsExportAutoConfiguration"})
@ConditionalOnBean(MeterRegistry.class)
public class MetricsAutoConfiguration {

    /**
     * Commands are timed on the command bus of the instance that handles them, and events counted by the event
     * store of the instance that appends them, once their transaction committed: each outcome is counted once
     * across instances, and a replay of a read model counts nothing again.
     */
    @Bean
    ConfigurerModule messageMeters(MeterRegistry meters) {
        CommandMeters commands = new CommandMeters(meters);
        EventMeters events = new EventMeters(meters);
        return configurer -> configurer
                .configureMessageMonitor(CommandBus.class, c -> commands)
                .configureMessageMonitor(EventStore.class, c -> events);
    }

    @Bean
    ProcessorLag processorLag(MeterRegistry meters, EventProcessingConfiguration processing, EventStore eventStore,
                              ObjectProvider<EventStorageEngine> storageEngine, Clock clock) {
        return new ProcessorLag(meters, processing, eventStore, storageEngine.getIfAvailable(), clock);
    }
}
