package io.depot.command;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;

/**
 * The sagas and workers that follow the commands, run by this service unless {@code depot.workers.enabled} is
 * {@code false}: then a workers deployable ({@code io.depot.worker.WorkersApplication}) runs them, and this service
 * runs no db-scheduler either (see {@code DepotDefaults}). The sagas go with the workers: both are background
 * processing that no request waits for, and a saga's commands are handled where it runs.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "depot.workers.enabled", havingValue = "true", matchIfMissing = true)
@ComponentScan(basePackages = {"io.depot.saga", "io.depot.worker", "io.depot.projection.tier"},
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootApplication.class))
class BackgroundProcessing {
}
