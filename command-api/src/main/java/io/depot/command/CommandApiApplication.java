package io.depot.command;

import io.depot.projection.ReadModelConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The command service: uploads and changes to files, and the sagas and workers that follow them. It also keeps
 * the object records and reconcile reports that its reconcile runs read: without Axon Server, queries do not
 * cross services, so the reconcile job reads a read model of its own service. Its processors share their tokens
 * with the query service's, so each event is projected once.
 */
@SpringBootApplication(scanBasePackages = {"io.depot.command", "io.depot.saga", "io.depot.worker",
        "io.depot.projection.reconcile"})
@Import(ReadModelConfiguration.class)
public class CommandApiApplication {

    public static void main(String[] args) {
        SpringApplication.run(CommandApiApplication.class, args);
    }
}
