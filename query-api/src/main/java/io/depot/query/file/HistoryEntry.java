package io.depot.query.file;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.depot.file.FileDeletedEvent;
import io.depot.file.FileVersionedEvent;
import org.axonframework.eventhandling.DomainEventMessage;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One event of a file's history. {@code actor} is the user who caused it, and is null (but present) when Depot did,
 * as it does for verification and scans. {@code details} are the event's fields in snake_case, without the file id
 * (the history names it once), storage keys and hashes of secrets, and without client addresses unless an auditor
 * reads.
 *
 * <p>The mapping reads the event record's components, so every event of a file shows up here as soon as it exists,
 * following the naming conventions of the domain's events rather than a list of them.
 */
record HistoryEntry(long sequence, String type, Instant at, @JsonInclude(JsonInclude.Include.ALWAYS) String actor,
                    Map<String, Object> details) {

    /** The fields that name the user who caused an event, most specific first. */
    private static final List<String> ACTOR_FIELDS = List.of("actorId", "requesterId", "userId", "requestedBy");
    /** Events whose owner is the one who caused them: an owner uploads a version and deletes a file. */
    private static final Set<Class<?>> CAUSED_BY_OWNER = Set.of(FileVersionedEvent.class, FileDeletedEvent.class);
    private static final String OWNER_FIELD = "ownerId";
    /**
     * Where the file's objects lie in storage, and which blob holds its content: Depot's business, not its users'
     * (and whether a version's bytes were stored before, by anyone, is no one's).
     */
    private static final Set<String> STORAGE_FIELDS = Set.of("objectKey", "objectKeys", "quarantineKey", "blobId",
            "replacedKey", "content", "contentReleases", "previousObjectKey", "releasedObjectKey",
            "releasedContent");
    private static final String SECRET_HASH_SUFFIX = "Hash";
    private static final String CLIENT_ADDRESS = "clientAddress";
    private static final String FILE_ID = "fileId";
    private static final String EVENT_SUFFIX = "Event";
    private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    /** {@code auditor}: whether the reader may see where requests came from. */
    static HistoryEntry of(DomainEventMessage<?> event, boolean auditor) {
        Map<String, Object> fields = fields(event.getPayload());
        Map<String, Object> details = new LinkedHashMap<>();
        fields.forEach((name, value) -> {
            if (value != null && shown(name, auditor)) {
                details.put(SNAKE_CASE.translate(name), value);
            }
        });
        return new HistoryEntry(event.getSequenceNumber(), type(event.getPayloadType()), event.getTimestamp(),
                actor(event.getPayload(), fields), details);
    }

    static String type(Class<?> payloadType) {
        String name = payloadType.getSimpleName();
        return name.endsWith(EVENT_SUFFIX) && name.length() > EVENT_SUFFIX.length()
                ? name.substring(0, name.length() - EVENT_SUFFIX.length())
                : name;
    }

    private static String actor(Object payload, Map<String, Object> fields) {
        for (String field : ACTOR_FIELDS) {
            if (fields.get(field) instanceof String user) {
                return user;
            }
        }
        if (CAUSED_BY_OWNER.contains(payload.getClass()) && fields.get(OWNER_FIELD) instanceof String owner) {
            return owner;
        }
        return null;
    }

    private static boolean shown(String field, boolean auditor) {
        if (field.equals(FILE_ID) || STORAGE_FIELDS.contains(field) || field.endsWith(SECRET_HASH_SUFFIX)) {
            return false;
        }
        return auditor || !field.equals(CLIENT_ADDRESS);
    }

    /** The event's fields in declaration order; an event that is not a record has none to show. */
    private static Map<String, Object> fields(Object payload) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (payload == null || !payload.getClass().isRecord()) {
            return fields;
        }
        for (RecordComponent component : payload.getClass().getRecordComponents()) {
            Method accessor = component.getAccessor();
            accessor.trySetAccessible(); // a record need not be public to be an event
            try {
                fields.put(component.getName(), accessor.invoke(payload));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component.getName() + " of "
                        + payload.getClass().getName(), e);
            }
        }
        return fields;
    }
}
