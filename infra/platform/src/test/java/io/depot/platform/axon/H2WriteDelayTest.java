package io.depot.platform.axon;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class H2WriteDelayTest {

    @TempDir
    Path dir;

    @Test
    void anH2FileDatabaseANewUserNamesWritesEachCommitBeforeItReturns() throws Exception {
        try (HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl("jdbc:h2:file:" + dir.resolve("events") + ";DB_CLOSE_ON_EXIT=FALSE");
            new H2WriteDelay().postProcessAfterInitialization(dataSource, "dataSource");

            assertThat(dataSource.getJdbcUrl()).endsWith(";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
            try (Connection connection = dataSource.getConnection();
                 ResultSet setting = connection.createStatement().executeQuery(
                         "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
                assertThat(setting.next()).isTrue();
                assertThat(setting.getString(1)).isEqualTo("0");
            }
        }
    }

    @Test
    void everyH2UrlWithFilesGetsNoWriteDelay() {
        assertThat(H2WriteDelay.durable("jdbc:h2:./depot-data/events/depot"))
                .isEqualTo("jdbc:h2:./depot-data/events/depot;WRITE_DELAY=0");
        assertThat(H2WriteDelay.durable("jdbc:h2:~/depot;")).isEqualTo("jdbc:h2:~/depot;WRITE_DELAY=0");
        assertThat(H2WriteDelay.durable("jdbc:h2:tcp://db.example/~/depot;AUTO_SERVER=TRUE"))
                .isEqualTo("jdbc:h2:tcp://db.example/~/depot;AUTO_SERVER=TRUE;WRITE_DELAY=0");
    }

    @Test
    void aUrlThatAlreadyWritesAtOnceIsLeftAsItIs() {
        assertThat(H2WriteDelay.durable("jdbc:h2:file:/data/depot;write_delay=0"))
                .isEqualTo("jdbc:h2:file:/data/depot;write_delay=0");
    }

    @Test
    void databasesWithoutFilesAndOtherDatabasesAreLeftAlone() {
        assertThat(H2WriteDelay.durable("jdbc:h2:mem:depot;DB_CLOSE_DELAY=-1")).isEqualTo("jdbc:h2:mem:depot;DB_CLOSE_DELAY=-1");
        assertThat(H2WriteDelay.durable("jdbc:h2:tcp://localhost/mem:depot")).isEqualTo("jdbc:h2:tcp://localhost/mem:depot");
        assertThat(H2WriteDelay.durable("jdbc:postgresql://127.0.0.1:5432/depot"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/depot");
    }

    @Test
    void aUrlThatAsksForAWriteDelayIsRefused() {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl("jdbc:h2:file:/data/depot;WRITE_DELAY=500");

        assertThatThrownBy(() -> new H2WriteDelay().postProcessAfterInitialization(dataSource, "dataSource"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("WRITE_DELAY=500")
                .hasMessageContaining("Remove WRITE_DELAY from the JDBC URL");
    }
}
