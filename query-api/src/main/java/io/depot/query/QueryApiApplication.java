package io.depot.query;

import io.depot.projection.ReadModelConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The query service: file metadata, listings and download URLs, with the projections that feed them. The upload
 * sessions' projection runs in the command service, whose requests wait for it and follow its pushes.
 */
@SpringBootApplication(scanBasePackages = {"io.depot.query", "io.depot.projection.file", "io.depot.projection.audit",
        "io.depot.projection.reconcile"})
@Import(ReadModelConfiguration.class)
public class QueryApiApplication {

    public static void main(String[] args) {
        SpringApplication.run(QueryApiApplication.class, args);
    }
}
