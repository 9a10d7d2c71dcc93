package io.depot.platform.trail;

import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.time.Clock;

/**
 * The download trail, one writer per process, which the query service (downloads) and the command service (downloads
 * through share links) both record into, and its reader for verification and export.
 */
@AutoConfiguration(afterName = {"io.depot.platform.axon.AxonStoresAutoConfiguration",
        "io.depot.platform.web.WebAutoConfiguration"})
@EnableConfigurationProperties(DownloadsProperties.class)
public class DownloadTrailAutoConfiguration {

    @Bean
    TrailReader trailReader(EventStore eventStore, ObjectProvider<EventStorageEngine> storageEngine) {
        return new TrailReader(eventStore, storageEngine.getIfUnique());
    }

    @Bean
    DownloadTrail downloadTrail(EventGateway events, TrailReader trailReader, Clock clock, MeterRegistry meters,
                                DownloadsProperties properties) {
        return new DownloadTrail(events, trailReader, clock, meters, properties);
    }
}
