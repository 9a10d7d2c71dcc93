package io.depot.allinone;

import io.depot.platform.Launch;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

/**
 * Every Depot service in one JVM: command and query APIs, projections, sagas and workers, on embedded
 * stores unless real ones are configured. The default a new user runs. The sagas and workers come with the command
 * service, and like it this launcher leaves them to a workers deployable when {@code depot.workers.enabled} is
 * {@code false}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(
        basePackages = {"io.depot.allinone", "io.depot.command", "io.depot.query", "io.depot.projection"},
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootApplication.class))
public class DepotApplication {

    public static void main(String[] args) {
        Launch.run(DepotApplication.class, args);
    }
}
