package io.depot.allinone;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A thread interrupted while it writes to the embedded event store (a cancelled request's) must not take the store
 * down for everyone: with H2's default file channel the interrupt closes the channel and H2 closes the database, so
 * every later command fails until a restart. The all-in-one's default URL uses a channel interrupts cannot close.
 */
class EmbeddedEventStoreInterruptTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultEmbeddedStoreOutlivesInterruptedWriters() throws Exception {
        String url = defaultUrl(dir.resolve("default"));
        assertThat(url).startsWith("jdbc:h2:file:async:");

        try (Connection held = DriverManager.getConnection(url, "sa", "")) {
            long committed = interruptWriters(url);
            assertThat(count(held)).isEqualTo(committed);
            insert(held);
            assertThat(count(held)).isEqualTo(committed + 1);
        }
    }

    /** The same interrupts against H2's default channel close the database: what the default URL avoids. */
    @Test
    void h2sDefaultFileChannelClosesTheDatabaseOnAnInterrupt() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("plain").resolve("depot") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
        try (Connection held = DriverManager.getConnection(url, "sa", "")) {
            interruptWriters(url);
            assertThatThrownBy(() -> insert(held)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("closed");
        }
    }

    /** Writers, each interrupted shortly after it starts; answers the rows they committed. */
    private static long interruptWriters(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            c.createStatement().execute("CREATE TABLE IF NOT EXISTS entry(id IDENTITY PRIMARY KEY, payload VARCHAR(2000))");
        }
        AtomicLong committed = new AtomicLong();
        for (int round = 0; round < 20; round++) {
            Thread writer = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(url, "sa", "")) {
                    for (int i = 0; i < 2000; i++) {
                        insert(c);
                        committed.incrementAndGet();
                    }
                } catch (SQLException expected) {
                    // Interrupted (or, on the default channel, the database closed under it).
                }
            });
            writer.start();
            Thread.sleep(15);
            writer.interrupt();
            writer.join();
        }
        return committed.get();
    }

    private static void insert(Connection c) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO entry(payload) VALUES (?)")) {
            insert.setString(1, "e".repeat(1500));
            insert.executeUpdate();
        }
    }

    private static long count(Connection c) throws SQLException {
        try (ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM entry")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The JDBC URL the all-in-one's application.yml gives when nothing is configured (no variable, no property). */
    private static String defaultUrl(Path dataDir) throws Exception {
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        sources.addFirst(new MapPropertySource("test", Map.of("depot.embedded.data-dir", dataDir.toString())));
        for (PropertySource<?> source : new YamlPropertySourceLoader()
                .load("application", new ClassPathResource("application.yml"))) {
            sources.addLast(source);
        }
        return environment.getProperty("spring.datasource.url");
    }
}
