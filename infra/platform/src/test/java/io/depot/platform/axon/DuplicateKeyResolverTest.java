package io.depot.platform.axon;

import io.depot.platform.testing.TestPostgres;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcSQLErrorCodesResolver;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two writers appending the same aggregate's next event, on the event stores Depot runs on: the loser must see a
 * {@link ConcurrencyException}, which the command gateway retries on fresh state, and never a plain store failure.
 */
class DuplicateKeyResolverTest {

    @Test
    void aRacedAppendOnPostgresqlIsAConcurrencyConflict() throws Exception {
        DataSource postgres = new DriverManagerDataSource(TestPostgres.schemaUrl(), TestPostgres.user(), TestPostgres.password());
        DatabaseSchema.createEventStore(postgres);
        assertThatThrownBy(() -> appendTwice(postgres, new DuplicateKeyResolver(), 3))
                .isInstanceOf(ConcurrencyException.class);
        // Two creations of one aggregate: the second is refused, not retried.
        assertThatThrownBy(() -> appendTwice(postgres, new DuplicateKeyResolver(), 0))
                .isInstanceOf(AggregateStreamCreationException.class);
    }

    @Test
    void axonsOwnResolverMissesItOnPostgresql() throws Exception {
        DataSource postgres = new DriverManagerDataSource(TestPostgres.schemaUrl(), TestPostgres.user(), TestPostgres.password());
        DatabaseSchema.createEventStore(postgres);
        assertThatThrownBy(() -> appendTwice(postgres, new JdbcSQLErrorCodesResolver(), 3))
                .isInstanceOf(EventStoreException.class)
                .isNotInstanceOf(ConcurrencyException.class);
    }

    @Test
    void aRacedAppendOnH2IsAConcurrencyConflict() throws Exception {
        DataSource h2 = new DriverManagerDataSource("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        DatabaseSchema.createEventStore(h2);
        assertThatThrownBy(() -> appendTwice(h2, new DuplicateKeyResolver(), 0))
                .isInstanceOf(AggregateStreamCreationException.class);
        assertThatThrownBy(() -> appendTwice(h2, new DuplicateKeyResolver(), 2))
                .isInstanceOf(ConcurrencyException.class);
    }

    @Test
    void anotherIntegrityFailureIsNoRace() throws Exception {
        try (Connection connection = TestPostgres.connect(); var statement = connection.createStatement()) {
            String table = "not_null_" + UUID.randomUUID().toString().replace("-", "");
            statement.execute("CREATE TEMPORARY TABLE " + table + " (a INT NOT NULL)");
            SQLException notNull = null;
            try {
                statement.execute("INSERT INTO " + table + " VALUES (NULL)");
            } catch (SQLException e) {
                notNull = e;
            }
            assertThat((Object) notNull).isNotNull();
            assertThat(new DuplicateKeyResolver().isDuplicateKeyViolation(notNull)).isFalse();
        }
    }

    /** Appends the event at {@code sequence} of a new aggregate, then another writer's event at the same place. */
    private static void appendTwice(DataSource dataSource, PersistenceExceptionResolver resolver, long sequence) {
        JdbcEventStorageEngine engine = JdbcEventStorageEngine.builder()
                .connectionProvider(dataSource::getConnection)
                .transactionManager(NoTransactionManager.INSTANCE)
                .eventSerializer(JacksonSerializer.defaultSerializer())
                .snapshotSerializer(JacksonSerializer.defaultSerializer())
                .persistenceExceptionResolver(resolver)
                .build();
        String aggregate = UUID.randomUUID().toString();
        engine.appendEvents(new GenericDomainEventMessage<>("UploadSession", aggregate, sequence, "first"));
        engine.appendEvents(new GenericDomainEventMessage<>("UploadSession", aggregate, sequence, "second"));
    }
}
