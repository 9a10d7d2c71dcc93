package io.depot.platform.axon;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** Creates the event store's tables when they are missing, in the dialect of the database found. */
final class EventStoreSchema {

    private EventStoreSchema() {
    }

    static void create(DataSource dataSource) throws SQLException {
        String product;
        try (Connection connection = dataSource.getConnection()) {
            product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        }
        String dialect = switch (product) {
            case "postgresql" -> "postgresql";
            case "h2" -> "h2";
            default -> throw new IllegalStateException("no event store schema for database " + product
                    + "; Depot supports PostgreSQL and H2");
        };
        new ResourceDatabasePopulator(new ClassPathResource("db/depot-schema-" + dialect + ".sql")).execute(dataSource);
    }
}
