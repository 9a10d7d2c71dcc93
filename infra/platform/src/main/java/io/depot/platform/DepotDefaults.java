package io.depot.platform;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds the settings every Depot service shares, below everything a deployment configures, and keeps the older names
 * of renamed settings working.
 */
public class DepotDefaults implements EnvironmentPostProcessor {

    /** Each setting's older names: a value under one of them counts while the setting itself is empty. */
    static final Map<String, List<String>> RENAMED = Map.of(
            "depot.redis.uri", List.of("depot.limits.redis-uri", "depot.cache.redis-uri"),
            "depot.event-store.snapshot-every", List.of("depot.upload.snapshot-every"));

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
        renamed(environment);
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

    /**
     * The rate limits and the metadata cache had a Redis setting each; now they share one connection, so differing
     * old settings are refused rather than one of them silently ignored. How often aggregates are snapshotted was an
     * upload setting, although it applies to every aggregate; it is the event store's now.
     */
    private static void renamed(ConfigurableEnvironment environment) {
        Map<String, Object> values = new HashMap<>();
        RENAMED.forEach((name, oldNames) -> {
            if (hasText(environment.getProperty(name))) {
                return;
            }
            List<String> given = oldNames.stream().filter(old -> hasText(environment.getProperty(old))).toList();
            if (given.stream().map(environment::getProperty).distinct().count() > 1) {
                throw new IllegalStateException(given + " differ, but name one setting now, " + name
                        + ": set that instead");
            }
            given.stream().findFirst().ifPresent(old -> values.put(name, environment.getProperty(old)));
        });
        if (!values.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource("depotRenamedSettings", values));
        }
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
