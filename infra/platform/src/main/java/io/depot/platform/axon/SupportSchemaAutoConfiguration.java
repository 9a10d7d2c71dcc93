package io.depot.platform.axon;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;

import javax.sql.DataSource;
import java.sql.SQLException;

/**
 * The tables Depot needs in its database whatever the event store: the deadlines' {@code scheduled_tasks}. They are
 * created whenever a database is configured, with Axon Server as the event store too, before the scheduler starts
 * (it starts once the context is ready).
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnBean(DataSource.class)
public class SupportSchemaAutoConfiguration {

    @Bean
    SupportSchema supportSchema(DataSource dataSource) throws SQLException {
        DatabaseSchema.createSupport(dataSource);
        return new SupportSchema();
    }

    /** Marks that Depot's support tables exist. */
    public static final class SupportSchema {
    }
}
