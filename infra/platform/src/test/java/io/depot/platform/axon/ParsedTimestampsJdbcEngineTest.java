package io.depot.platform.axon;

import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ParsedTimestampsJdbcEngineTest {

    private final DataSource h2 = new DriverManagerDataSource("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
            "sa", "");

    private JdbcEventStorageEngine.Builder builder() {
        return JdbcEventStorageEngine.builder()
                .connectionProvider(h2::getConnection)
                .transactionManager(NoTransactionManager.INSTANCE)
                .eventSerializer(JacksonSerializer.defaultSerializer())
                .snapshotSerializer(JacksonSerializer.defaultSerializer())
                .batchSize(7);
    }

    @Test
    void readsTheSameEventsAndTokensAsAxonsEngine() throws Exception {
        DatabaseSchema.createEventStore(h2);
        JdbcEventStorageEngine axons = builder().build();
        ParsedTimestampsJdbcEngine parsed = ParsedTimestampsJdbcEngine.create(builder());
        List<EventMessage<?>> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(i % 3 == 0 ? GenericEventMessage.asEventMessage("event-" + i)
                    : new GenericDomainEventMessage<>("thing", "aggregate-" + (i % 2), i / 2, "event-" + i,
                    Map.of("n", i)));
        }
        axons.appendEvents(events.subList(0, 10));
        // Rows the store skipped: gaps, which the tokens must carry as Axon's engine carries them.
        try (Connection c = h2.getConnection(); var statement = c.createStatement()) {
            statement.execute("ALTER TABLE DomainEventEntry ALTER COLUMN globalIndex RESTART WITH 15");
        }
        axons.appendEvents(events.subList(10, 30));

        List<? extends TrackedEventMessage<?>> expected = axons.readEvents(null, false).toList();
        List<? extends TrackedEventMessage<?>> actual = parsed.readEvents(null, false).toList();

        assertThat(actual).hasSize(30);
        for (int i = 0; i < expected.size(); i++) {
            TrackedEventMessage<?> want = expected.get(i);
            TrackedEventMessage<?> got = actual.get(i);
            assertThat(got.trackingToken()).isEqualTo(want.trackingToken());
            assertThat(got.getIdentifier()).isEqualTo(want.getIdentifier());
            assertThat(got.getTimestamp()).isEqualTo(want.getTimestamp());
            assertThat((Object) got.getPayload()).isEqualTo(want.getPayload());
            assertThat(got.getMetaData()).isEqualTo(want.getMetaData());
            assertThat(got.getClass()).isEqualTo(want.getClass());
            if (want instanceof DomainEventMessage<?> domain) {
                DomainEventMessage<?> gotDomain = (DomainEventMessage<?>) got;
                assertThat(gotDomain.getAggregateIdentifier()).isEqualTo(domain.getAggregateIdentifier());
                assertThat(gotDomain.getSequenceNumber()).isEqualTo(domain.getSequenceNumber());
                assertThat(gotDomain.getType()).isEqualTo(domain.getType());
            }
        }
        assertThat(parsed.readEvents("aggregate-1").asStream().map(DomainEventMessage::getTimestamp).toList())
                .isEqualTo(axons.readEvents("aggregate-1").asStream().map(DomainEventMessage::getTimestamp).toList())
                .hasSize(10);
    }
}
