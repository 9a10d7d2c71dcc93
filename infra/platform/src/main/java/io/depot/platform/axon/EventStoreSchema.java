package io.depot.platform.axon;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Creates the event store's tables when they are missing, in the dialect of the database found. On PostgreSQL the
 * services that start together on a new database take turns: two sessions running {@code CREATE TABLE IF NOT EXISTS}
 * for the same table at once can both find it missing, and the second then fails on PostgreSQL's catalog
 * ({@code duplicate key value violates unique constraint "pg_type_typname_nsp_index"}).
 */
final class EventStoreSchema {

    /** The advisory lock the services take while they create the schema: any number, the same in every service. */
    static final long SCHEMA_LOCK = 0x4465_706f_7453_6368L;

    private EventStoreSchema() {
    }

    static void create(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            String dialect = switch (product) {
                case "postgresql" -> "postgresql";
                case "h2" -> "h2";
                default -> throw new IllegalStateException("no event store schema for database " + product
                        + "; Depot supports PostgreSQL and H2");
            };
            ResourceDatabasePopulator script =
                    new ResourceDatabasePopulator(new ClassPathResource("db/depot-schema-" + dialect + ".sql"));
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
