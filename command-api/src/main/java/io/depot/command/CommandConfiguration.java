package io.depot.command;

import io.depot.command.upload.UploadProperties;
import io.depot.file.StoredFile;
import io.depot.upload.UploadSession;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The write side's aggregates. An upload session is snapshotted every {@code depot.upload.snapshot-every}
 * events, so recording its 10,000th part loads a snapshot and a few events, not 10,000.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UploadProperties.class)
public class CommandConfiguration {

    @Bean
    ConfigurerModule aggregates(@Value("${depot.upload.snapshot-every:100}") int snapshotEvery) {
        return configurer -> configurer
                .configureAggregate(AggregateConfigurer.defaultConfiguration(UploadSession.class)
                        .configureSnapshotTrigger(c -> new EventCountSnapshotTriggerDefinition(c.snapshotter(), snapshotEvery)))
                .configureAggregate(AggregateConfigurer.defaultConfiguration(StoredFile.class)
                        .configureSnapshotTrigger(c -> new EventCountSnapshotTriggerDefinition(c.snapshotter(), snapshotEvery)));
    }
}
