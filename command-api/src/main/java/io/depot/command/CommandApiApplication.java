package io.depot.command;

import io.depot.platform.Launch;
import io.depot.projection.ReadModelConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The command service: uploads and changes to files, and, unless a workers deployable runs them
 * ({@link BackgroundProcessing}), the sagas and workers that follow them. It also keeps the upload sessions, object
 * records and reconcile reports that its uploads and reconcile runs read: without Axon Server, queries do not cross
 * services, so they read a read model of their own service. Its processors share their tokens with the other services', so
 * each event is projected once.
 */
@SpringBootApplication(scanBasePackages = {"io.depot.command", "io.depot.projection.upload",
        "io.depot.projection.reconcile"})
@Import(ReadModelConfiguration.class)
public class CommandApiApplication {

    public static void main(String[] args) {
        Launch.run(CommandApiApplication.class, args);
    }
}
