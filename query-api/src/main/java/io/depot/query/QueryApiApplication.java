package io.depot.query;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The query service: file metadata, listings and download URLs, with the projections that feed them. */
@SpringBootApplication(scanBasePackages = {"io.depot.query", "io.depot.projection"})
public class QueryApiApplication {

    public static void main(String[] args) {
        SpringApplication.run(QueryApiApplication.class, args);
    }
}
