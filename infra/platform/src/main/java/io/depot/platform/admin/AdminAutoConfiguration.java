package io.depot.platform.admin;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/** Operators' endpoints every service has. */
@AutoConfiguration(afterName = "org.axonframework.springboot.autoconfig.AxonAutoConfiguration")
public class AdminAutoConfiguration {

    @Bean
    ProjectionAdminController projectionAdminController(EventProcessingConfiguration processing, EventStore eventStore) {
        return new ProjectionAdminController(processing, eventStore);
    }
}
