package io.depot.platform.axon;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The deadlines' table exists wherever a database is configured, whichever event store is in use. */
class SupportSchemaTest {

    @Test
    void theDeadlinesTableIsCreatedWhenAxonServerIsTheEventStore() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        SupportSchemaAutoConfiguration.class))
                .withPropertyValues("axon.axonserver.enabled=true",
                        "spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                .run(context -> {
                    JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
                    assertThat(tables(jdbc)).contains("SCHEDULED_TASKS").doesNotContain("DOMAINEVENTENTRY");
                    jdbc.update("INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version)"
                            + " VALUES ('upload-expiry', 'u-1', CURRENT_TIMESTAMP, FALSE, 1)");
                    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM scheduled_tasks", Integer.class)).isEqualTo(1);
                });
    }

    @Test
    void withoutADatabaseNothingIsCreated() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SupportSchemaAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(SupportSchemaAutoConfiguration.SupportSchema.class));
    }

    private static java.util.List<String> tables(JdbcTemplate jdbc) {
        return jdbc.queryForList("SELECT UPPER(table_name) FROM information_schema.tables", String.class);
    }
}
