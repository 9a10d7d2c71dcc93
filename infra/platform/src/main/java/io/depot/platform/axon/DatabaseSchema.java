package io.depot.platform.axon;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Creates Depot's tables when they are missing, in the dialect of the database found: the event store's (only where
 * the database is the event store) and what Depot keeps in its database whatever the event store, the persistent
 * deadlines ({@code scheduled_tasks}). With Axon Server as the event store the second still has to exist: without
 * it every deadline fails. On PostgreSQL the services that start together on a new database take turns: two sessions
 * running {@code CREATE TABLE IF NOT EXISTS} for the same table at once can both find it missing, and the second then
 * fails on PostgreSQL's catalog ({@code duplicate key value violates unique constraint "pg_type_typname_nsp_index"}).
 */
final class DatabaseSchema {

    /** The advisory lock the services take while they create the schema: any number, the same in every service. */
    static final long SCHEMA_LOCK = 0x4465_706f_7453_6368L;

    private DatabaseSchema() {
    }

    static void createEventStore(DataSource dataSource) throws SQLException {
        run(dataSource, "depot-event-store");
    }

    static void createSupport(DataSource dataSource) throws SQLException {
        run(dataSource, "depot-support");
    }

    private static void run(DataSource dataSource, String name) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            String dialect = switch (product) {
                case "postgresql" -> "postgresql";
                case "h2" -> "h2";
                default -> throw new IllegalStateException("no schema for database " + product
                        + "; Depot supports PostgreSQL and H2");
            };
            ResourceDatabasePopulator script =
                    new ResourceDatabasePopulator(new ClassPathResource("db/" + name + "-" + dialect + ".sql"));
            if (!dialect.equals("postgresql")) {
                script.populate(connection);
                return;
            }
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(true);
            try (Statement lock = connection.createStatement()) {
                lock.execute("SELECT pg_advisory_lock(" + SCHEMA_LOCK + ")");
                try {
                    script.populate(connection);
                } finally {
                    lock.execute("SELECT pg_advisory_unlock(" + SCHEMA_LOCK + ")");
                }
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }
}
