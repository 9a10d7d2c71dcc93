package io.depot.platform.axon;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Creates Depot's tables when they are missing, in the dialect of the database found: the event store's (only where
 * the database is the event store) and what Depot keeps in its database whatever the event store, the persistent
 * deadlines ({@code scheduled_tasks}). With Axon Server as the event store the second still has to exist: without
 * it every deadline fails.
 */
final class DatabaseSchema {

    private DatabaseSchema() {
    }

    static void createEventStore(DataSource dataSource) throws SQLException {
        run(dataSource, "depot-event-store");
    }

    static void createSupport(DataSource dataSource) throws SQLException {
        run(dataSource, "depot-support");
    }

    private static void run(DataSource dataSource, String script) throws SQLException {
        String product;
        try (Connection connection = dataSource.getConnection()) {
            product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        }
        String dialect = switch (product) {
            case "postgresql" -> "postgresql";
            case "h2" -> "h2";
            default -> throw new IllegalStateException("no schema for database " + product
                    + "; Depot supports PostgreSQL and H2");
        };
        new ResourceDatabasePopulator(new ClassPathResource("db/" + script + "-" + dialect + ".sql")).execute(dataSource);
    }
}
