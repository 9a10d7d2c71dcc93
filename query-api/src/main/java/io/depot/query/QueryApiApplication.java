package io.depot.query;

import io.depot.platform.Launch;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

/**
 * The query service: file metadata, listings and download URLs, with the projections that feed them. The upload
 * sessions' projection runs in the command service, whose requests wait for it and follow its pushes.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(basePackages = {"io.depot.query", "io.depot.projection"}, excludeFilters = {
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class),
        @ComponentScan.Filter(type = FilterType.REGEX, pattern = "io\\.depot\\.projection\\.upload\\..*")})
public class QueryApiApplication {

    public static void main(String[] args) {
        Launch.run(QueryApiApplication.class, args);
    }
}
