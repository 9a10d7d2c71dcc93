package io.depot.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The service's event store: a schema of its own in the configured PostgreSQL, dropped after the run. */
final class EventStore {

    static final String URL = System.getenv().getOrDefault("DEPOT_BENCH_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getenv().getOrDefault("DEPOT_BENCH_JDBC_USER", "postgres");

    private final String schema;

    private EventStore(String schema) {
        this.schema = schema;
    }

    static EventStore create() throws SQLException {
        String schema = "depot_bench_" + System.currentTimeMillis();
        try (Connection c = DriverManager.getConnection(URL, USER, "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        return new EventStore(schema);
    }

    /** The JDBC URL the service is given. */
    String url() {
        return URL + "?currentSchema=" + schema;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, "");
    }

    /** The number of events of this payload type in the store. */
    long count(String payloadType) throws SQLException {
        try (Connection c = connect()) {
            var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM domainevententry WHERE payloadtype = '"
                    + payloadType + "'");
            rs.next();
            return rs.getLong(1);
        }
    }

    void drop() {
        try (Connection c = DriverManager.getConnection(URL, USER, "")) {
            c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        } catch (Exception e) {
            System.err.println("could not drop " + schema + ": " + e);
        }
    }
}
