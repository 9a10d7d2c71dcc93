package io.depot.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

    /** The global index of the last event so far: events appended later have higher ones. */
    long head() throws SQLException {
        try (Connection c = connect()) {
            var rs = c.createStatement().executeQuery("SELECT COALESCE(MAX(globalindex), -1) FROM domainevententry");
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The events appended after global index {@code index}, counted by payload type. */
    Map<String, Long> countsSince(long index) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = connect()) {
            var statement = c.prepareStatement("SELECT payloadtype, COUNT(*) FROM domainevententry "
                    + "WHERE globalindex > ? GROUP BY payloadtype");
            statement.setLong(1, index);
            var rs = statement.executeQuery();
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    /** When each event of this payload type appended after global index {@code index} was applied, in index order. */
    List<Instant> timestampsSince(long index, String payloadType) throws SQLException {
        List<Instant> timestamps = new ArrayList<>();
        try (Connection c = connect()) {
            var statement = c.prepareStatement("SELECT timestamp FROM domainevententry WHERE globalindex > ? "
                    + "AND payloadtype = ? ORDER BY globalindex");
            statement.setLong(1, index);
            statement.setString(2, payloadType);
            var rs = statement.executeQuery();
            while (rs.next()) {
                timestamps.add(Instant.parse(rs.getString(1)));
            }
        }
        return timestamps;
    }

    void drop() {
        try (Connection c = DriverManager.getConnection(URL, USER, "")) {
            c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        } catch (Exception e) {
            System.err.println("could not drop " + schema + ": " + e);
        }
    }
}
