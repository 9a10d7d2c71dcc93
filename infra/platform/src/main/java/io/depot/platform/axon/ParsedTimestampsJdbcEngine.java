package io.depot.platform.axon;

import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.SerializedMetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.util.Collections;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * Axon's JDBC engine with each event's timestamp read once. Axon keeps the stored text and parses it whenever the
 * timestamp is asked for: once to place the event in its tracking token, once more for the message, each through a
 * {@code DateTimeFormatter}, a quarter of the time a replay spent. Here the text is parsed as the row is read
 * ({@link IsoInstants}, else as Axon does) and the entry answers that instant. Tracking tokens are computed as Axon's
 * engine computes them, with the gap settings given to {@link #create}.
 */
final class ParsedTimestampsJdbcEngine extends JdbcEventStorageEngine {

    /** Axon's defaults, set on the builder so that the tokens computed here use what the engine uses. */
    static final int MAX_GAP_OFFSET = 10_000;
    static final long LOWEST_GLOBAL_SEQUENCE = 1;
    static final int GAP_TIMEOUT_MILLIS = 60_000;

    private final EventSchema schema;

    private ParsedTimestampsJdbcEngine(Builder builder, EventSchema schema) {
        super(builder);
        this.schema = schema;
    }

    static ParsedTimestampsJdbcEngine create(Builder builder) {
        EventSchema schema = new EventSchema();
        return new ParsedTimestampsJdbcEngine(builder.schema(schema).maxGapOffset(MAX_GAP_OFFSET)
                .lowestGlobalSequence(LOWEST_GLOBAL_SEQUENCE).gapTimeout(GAP_TIMEOUT_MILLIS), schema);
    }

    @Override
    protected TrackedEventData<?> getTrackedEventData(ResultSet resultSet, GapAwareTrackingToken previousToken)
            throws SQLException {
        // As Axon 4.13's engine does, but with the timestamp parsed once.
        long globalSequence = resultSet.getLong(schema.globalIndexColumn());
        String aggregateIdentifier = resultSet.getString(schema.aggregateIdentifierColumn());
        String eventIdentifier = resultSet.getString(schema.eventIdentifierColumn());
        ParsedEntry<?> event = new ParsedEntry<>(resultSet.getString(schema.typeColumn()),
                eventIdentifier.equals(aggregateIdentifier) ? null : aggregateIdentifier,
                resultSet.getLong(schema.sequenceNumberColumn()), eventIdentifier,
                readTimeStamp(resultSet, schema.timestampColumn()),
                resultSet.getString(schema.payloadTypeColumn()), resultSet.getString(schema.payloadRevisionColumn()),
                readPayload(resultSet, schema.payloadColumn()), readPayload(resultSet, schema.metaDataColumn()));
        boolean allowGaps = event.getTimestamp()
                .isAfter(GenericEventMessage.clock.instant().minus(GAP_TIMEOUT_MILLIS, ChronoUnit.MILLIS));
        GapAwareTrackingToken token = previousToken;
        if (token == null) {
            token = GapAwareTrackingToken.newInstance(globalSequence, allowGaps
                    ? LongStream.range(Math.min(LOWEST_GLOBAL_SEQUENCE, globalSequence), globalSequence).boxed()
                    .collect(Collectors.toCollection(TreeSet::new))
                    : Collections.emptySortedSet());
        } else {
            token = token.advanceTo(globalSequence, allowGaps ? MAX_GAP_OFFSET : 0);
        }
        return new TrackedDomainEventData<>(token, event);
    }

    @Override
    protected DomainEventData<?> getDomainEventData(ResultSet resultSet) throws SQLException {
        return new ParsedEntry<>(resultSet.getString(schema.typeColumn()),
                resultSet.getString(schema.aggregateIdentifierColumn()),
                resultSet.getLong(schema.sequenceNumberColumn()),
                resultSet.getString(schema.eventIdentifierColumn()),
                readTimeStamp(resultSet, schema.timestampColumn()),
                resultSet.getString(schema.payloadTypeColumn()),
                resultSet.getString(schema.payloadRevisionColumn()),
                readPayload(resultSet, schema.payloadColumn()),
                readPayload(resultSet, schema.metaDataColumn()));
    }

    /** An event as read from its row, with its timestamp parsed as it was read; otherwise what Axon's entry answers. */
    record ParsedEntry<T>(String getType, String getAggregateIdentifier, long getSequenceNumber,
                          String getEventIdentifier, Instant getTimestamp, String payloadType, String payloadRevision,
                          T payload, T metaData) implements DomainEventData<T> {

        ParsedEntry(String type, String aggregateIdentifier, long sequenceNumber, String eventIdentifier,
                    Object storedTimestamp, String payloadType, String payloadRevision, T payload, T metaData) {
            this(type, aggregateIdentifier, sequenceNumber, eventIdentifier, parse(storedTimestamp), payloadType,
                    payloadRevision, payload, metaData);
        }

        private static Instant parse(Object stored) {
            if (stored instanceof TemporalAccessor temporal) {
                return Instant.from(temporal);
            }
            String text = stored.toString();
            Instant parsed = IsoInstants.parse(text);
            return parsed != null ? parsed : DateTimeUtils.parseInstant(text);
        }

        @Override
        @SuppressWarnings("unchecked")
        public SerializedObject<T> getMetaData() {
            return new SerializedMetaData<>(metaData, (Class<T>) metaData.getClass());
        }

        @Override
        @SuppressWarnings("unchecked")
        public SerializedObject<T> getPayload() {
            return new SimpleSerializedObject<>(payload, (Class<T>) payload.getClass(),
                    new SimpleSerializedType(payloadType, payloadRevision));
        }
    }
}
