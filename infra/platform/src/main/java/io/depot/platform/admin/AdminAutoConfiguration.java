package io.depot.platform.admin;

import io.depot.platform.processing.ProcessingProperties;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/** Operators' endpoints every service has. */
@AutoConfiguration(afterName = {"org.axonframework.springboot.autoconfig.AxonAutoConfiguration",
        "io.depot.platform.processing.ProcessingAutoConfiguration"})
public class AdminAutoConfiguration {

    @Bean
    ProjectionAdminController projectionAdminController(EventProcessingConfiguration processing, EventStore eventStore,
                                                        ProcessingProperties properties) {
        return new ProjectionAdminController(processing, eventStore, properties);
    }

    @Bean
    DeadLetterAdminController deadLetterAdminController(EventProcessingConfiguration processing,
                                                        ProcessingProperties properties) {
        return new DeadLetterAdminController(processing, properties);
    }
}
