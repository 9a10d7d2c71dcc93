package io.depot.worker.reconcile;

import io.depot.file.FileDeletedEvent;
import io.depot.file.FileVersionFailedEvent;
import io.depot.file.FileVersionedEvent;
import io.depot.upload.UploadAbortedEvent;
import io.depot.upload.UploadCompletedEvent;
import io.depot.upload.UploadInitiatedEvent;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import java.util.Iterator;
import java.util.Optional;

/**
 * The event store's answer to "who holds this object?". The read models are fast but may lag; before a reconcile
 * run records a finding it asks the event store, which is the truth. Streams are read from the first event, not
 * from a snapshot, so the answer does not depend on an aggregate's internal state.
 */
@Component
class EventStoreFacts {

    static final String OBJECT_PREFIX = "objects/";

    private final EventStore eventStore;

    EventStoreFacts(EventStore eventStore) {
        this.eventStore = eventStore;
    }

    /** The file and upload ids in a key {@code objects/<file>/<upload>}, or empty for a key Depot did not make. */
    static Optional<String[]> parse(String objectKey) {
        if (!objectKey.startsWith(OBJECT_PREFIX)) {
            return Optional.empty();
        }
        String[] ids = objectKey.substring(OBJECT_PREFIX.length()).split("/", -1);
        return ids.length == 2 && !ids[0].isEmpty() && !ids[1].isEmpty() ? Optional.of(ids) : Optional.empty();
    }

    /** The version that holds the object: recorded, not failed, and its file not deleted since. */
    Optional<Long> holdingVersion(String objectKey) {
        Optional<String[]> ids = parse(objectKey);
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        Long holder = null;
        for (Iterator<? extends DomainEventMessage<?>> it = eventStore.readEvents(ids.get()[0], 0).asStream().iterator(); it.hasNext(); ) {
            Object event = it.next().getPayload();
            if (event instanceof FileVersionedEvent v && v.objectKey().equals(objectKey)) {
                holder = v.version();
            } else if (event instanceof FileVersionFailedEvent f && objectKey.equals(f.objectKey())) {
                holder = null;
            } else if (event instanceof FileDeletedEvent d && d.objectKeys().contains(objectKey)) {
                holder = null;
            }
        }
        return Optional.ofNullable(holder);
    }

    /** What the event store knows of the upload session that writes an object. */
    enum Session {
        /** No session wrote this key (or, with a storage upload id, owned that multipart upload). */
        NONE,
        /** The session is open and may still put the object there. */
        OPEN,
        /** The session completed or was aborted. */
        ENDED
    }

    /**
     * The session that writes the object; with a {@code storageUploadId}, only a session that owns that multipart
     * upload counts.
     */
    Session session(String objectKey, String storageUploadId) {
        Optional<String[]> ids = parse(objectKey);
        if (ids.isEmpty()) {
            return Session.NONE;
        }
        Session session = Session.NONE;
        boolean recorded = false;
        for (Iterator<? extends DomainEventMessage<?>> it = eventStore.readEvents(ids.get()[1], 0).asStream().iterator(); it.hasNext(); ) {
            recorded = true;
            Object event = it.next().getPayload();
            if (event instanceof UploadInitiatedEvent i) {
                boolean owns = i.objectKey().equals(objectKey)
                        && (storageUploadId == null || storageUploadId.equals(i.storageUploadId()));
                session = owns ? Session.OPEN : Session.NONE;
            } else if ((event instanceof UploadCompletedEvent || event instanceof UploadAbortedEvent)
                    && session == Session.OPEN) {
                session = Session.ENDED;
            }
        }
        if (session == Session.NONE && storageUploadId != null && recorded) {
            return Session.ENDED; // the session exists but never owned this multipart upload: nothing will finish it
        }
        return session;
    }
}
