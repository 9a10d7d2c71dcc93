package io.depot.platform.admin;

import io.depot.platform.processing.ProcessingProperties;
import io.depot.platform.readmodel.Rebuilds;
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
                                                        ProcessingProperties properties, Rebuilds rebuilds) {
        return new ProjectionAdminController(processing, eventStore, properties, rebuilds);
    }

    @Bean
    DeadLetterAdminController deadLetterAdminController(EventProcessingConfiguration processing,
                                                        ProcessingProperties properties) {
        return new DeadLetterAdminController(processing, properties);
    }
}
