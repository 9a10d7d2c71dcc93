package io.depot.allinone;

import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The PostgreSQL the tests use as event store: {@code DEPOT_TEST_JDBC_URL}, by default the local server's
 * {@code test} database. Each test JVM gets a schema of its own. Where no server answers, the tests that
 * need one are skipped, unless {@code DEPOT_TEST_REQUIRE_POSTGRES=true} (as in CI), where they fail; the tests
 * that take {@link #requiredSchemaUrl()} always fail.
 */
final class TestPostgres {

    static final String URL = env("DEPOT_TEST_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = env("DEPOT_TEST_JDBC_USER", "postgres");
    static final String PASSWORD = env("DEPOT_TEST_JDBC_PASSWORD", "");
    private static Boolean available;

    private TestPostgres() {
    }

    /** Skips the calling test when no PostgreSQL answers (fails it instead where one is required). */
    static void assumeAvailable() {
        schemaUrl();
    }

    /**
     * The JDBC URL of a new, empty schema, for a test that proves what only a database shared by several processes
     * can show: it fails, never skips, when no server answers.
     */
    static String requiredSchemaUrl() {
        String schema = newSchema();
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is required but not reachable at " + URL
                    + ": set DEPOT_TEST_JDBC_URL", e);
        }
        return urlOf(schema);
    }

    /**
     * The JDBC URL of a new, empty schema: every Depot a test starts has an event store of its own, so no
     * application's processors see another's events. Skips the test when no server answers.
     */
    static synchronized String schemaUrl() {
        String schema = newSchema();
        if (available == null || available) {
            try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
                c.createStatement().execute("CREATE SCHEMA " + schema);
                available = true;
            } catch (SQLException e) {
                if (Boolean.parseBoolean(System.getenv("DEPOT_TEST_REQUIRE_POSTGRES"))) {
                    throw new IllegalStateException("PostgreSQL is required but not reachable at " + URL, e);
                }
                available = false;
            }
        }
        Assumptions.assumeTrue(available, "no PostgreSQL at " + URL + ": set DEPOT_TEST_JDBC_URL to run this test");
        return urlOf(schema);
    }

    private static String newSchema() {
        return "depot_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static String urlOf(String schema) {
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
