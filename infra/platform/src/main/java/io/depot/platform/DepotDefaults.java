package io.depot.platform;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Adds the settings every Depot service shares, below everything a deployment configures. */
public class DepotDefaults implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        // Axon's usage reporting calls out to the internet; a self-hosted file service does not.
        if (System.getProperty("axoniq.update-checker.disabled") == null && System.getenv("AXONIQ_UPDATE_CHECKER_DISABLED") == null) {
            System.setProperty("axoniq.update-checker.disabled", "true");
        }
        // Check every pooled connection as it is borrowed, so a database restart costs no failed requests.
        if (System.getProperty("com.zaxxer.hikari.aliveBypassWindowMs") == null) {
            System.setProperty("com.zaxxer.hikari.aliveBypassWindowMs", "0");
        }
        if (System.getProperty("disable-axoniq-console-message") == null) {
            System.setProperty("disable-axoniq-console-message", "true");
        }
        try {
            environment.getPropertySources().addLast(
                    new ResourcePropertySource("depotDefaults", new ClassPathResource("depot-defaults.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // A service that leaves the sagas to a workers deployable runs no db-scheduler: Axon's deadline task, polling
        // the shared table, would pick up the sagas' deadlines and, with no saga here to deliver them to, drop them.
        if (!environment.getProperty("depot.workers.enabled", Boolean.class, true)
                && !environment.containsProperty("db-scheduler.enabled")) {
            environment.getPropertySources().addLast(
                    new MapPropertySource("depotWithoutWorkers", Map.of("db-scheduler.enabled", "false")));
        }
    }
}
