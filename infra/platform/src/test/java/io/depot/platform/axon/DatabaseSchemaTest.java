package io.depot.platform.axon;

import io.depot.platform.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Services that start together on a new PostgreSQL database create the event store's schema at once. Without the
 * advisory lock this failed in its first round: {@code duplicate key value violates unique constraint
 * "pg_type_typname_nsp_index"}.
 */
class DatabaseSchemaTest {

    @Test
    void servicesStartingTogetherOnANewDatabaseAllCreateTheSchema() throws Exception {
        String schema = "depot_schema_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = TestPostgres.connect()) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        try {
            for (int round = 0; round < 5; round++) {
                createAtOnce(schema, 4);
                try (Connection c = TestPostgres.connect()) {
                    c.createStatement().execute("DROP TABLE " + schema + ".DomainEventEntry, " + schema
                            + ".SnapshotEventEntry, " + schema + ".scheduled_tasks");
                }
            }
        } finally {
            try (Connection c = TestPostgres.connect()) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static void createAtOnce(String schema, int services) throws Exception {
        SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(),
                TestPostgres.url() + "?currentSchema=" + schema, TestPostgres.user(), TestPostgres.password());
        CyclicBarrier start = new CyclicBarrier(services);
        ExecutorService threads = Executors.newFixedThreadPool(services);
        try {
            List<Future<Void>> created = new ArrayList<>();
            for (int i = 0; i < services; i++) {
                created.add(threads.submit((Callable<Void>) () -> {
                    start.await();
                    DatabaseSchema.createEventStore(dataSource);
                    DatabaseSchema.createSupport(dataSource);
                    return null;
                }));
            }
            for (Future<Void> service : created) {
                service.get();
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
