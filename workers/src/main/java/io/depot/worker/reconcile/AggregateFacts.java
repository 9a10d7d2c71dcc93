package io.depot.worker.reconcile;

import io.depot.blob.StoredBlob;
import io.depot.file.StoredFile;
import io.depot.upload.UploadSession;
import io.depot.upload.UploadSessionView;
import io.depot.upload.UploadStatus;
import io.depot.upload.UploadWrite;
import org.axonframework.common.caching.Cache;
import org.axonframework.config.Configuration;
import org.axonframework.eventsourcing.IncompatibleAggregateException;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The aggregates' answer to "who holds this object?". The read models are fast but may lag; before a reconcile run
 * records a finding it asks the file and the upload session themselves, loaded through the repositories Axon
 * configured for them (latest snapshot and the events after it), so the answer follows their own rules. An upload
 * session is evicted from this instance's cache first: a cached one does not show what other instances recorded.
 */
@Component
class AggregateFacts {

    static final String OBJECT_PREFIX = "objects/";

    /** Axon's configuration is built from handlers that lead back here: it is looked up when first used. */
    private final ObjectProvider<Configuration> axon;
    private final Cache uploadSessionCache;

    AggregateFacts(ObjectProvider<Configuration> axon, @Qualifier("uploadSessionCache") Cache uploadSessionCache) {
        this.axon = axon;
        this.uploadSessionCache = uploadSessionCache;
    }

    /** The file and upload ids in a key {@code objects/<file>/<upload>}, or empty for a key Depot did not make. */
    static Optional<String[]> parse(String objectKey) {
        if (!objectKey.startsWith(OBJECT_PREFIX)) {
            return Optional.empty();
        }
        String[] ids = objectKey.substring(OBJECT_PREFIX.length()).split("/", -1);
        if (ids.length == 2 && ids[1].contains(UploadWrite.TAIL_INFIX)) {
            // The tail of an in-order (tus) upload's unfinished part: its session's.
            ids[1] = ids[1].substring(0, ids[1].indexOf(UploadWrite.TAIL_INFIX));
        }
        return ids.length == 2 && !ids[0].isEmpty() && !ids[1].isEmpty() ? Optional.of(ids) : Optional.empty();
    }

    /**
     * The version of its file that holds the object, as the file sees it; or, when the file let go of it but its
     * content's blob still has references (versions of other files with the same bytes use it), the version that
     * stored it.
     */
    Optional<Long> holdingVersion(String objectKey) {
        Optional<String[]> ids = parse(objectKey);
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        Optional<Holding> file = load(StoredFile.class, ids.get()[0],
                f -> Optional.of(new Holding(f.versionHolding(objectKey), f.blobOf(objectKey))));
        if (file.isEmpty() || file.get().version().isPresent()) {
            return file.flatMap(Holding::version);
        }
        return file.get().blob()
                .filter(blob -> load(StoredBlob.class, blob.getValue(), b -> Optional.of(b.holds(objectKey)))
                        .orElse(false))
                .map(Map.Entry::getKey);
    }

    /** What a file says of an object, from one load: the version holding it, and the blob a version used it through. */
    private record Holding(Optional<Long> version, Optional<Map.Entry<Long, String>> blob) {
    }

    /** What the upload session that writes an object says of it. */
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
        String uploadId = ids.get()[1];
        uploadSessionCache.remove(uploadId);
        Optional<UploadSessionView> found = load(UploadSession.class, uploadId, session -> Optional.of(session.view()));
        if (found.isEmpty()) {
            return Session.NONE;
        }
        UploadSessionView view = found.get();
        boolean owns = (objectKey.equals(view.objectKey()) || UploadWrite.isTailOf(objectKey, view.objectKey()))
                && (storageUploadId == null || storageUploadId.equals(view.storageUploadId()));
        if (owns) {
            return view.status() == UploadStatus.IN_PROGRESS ? Session.OPEN : Session.ENDED;
        }
        // A session that exists but never owned this multipart upload will never finish it.
        return storageUploadId != null ? Session.ENDED : Session.NONE;
    }

    /**
     * Asks the aggregate {@code id} a question, in a unit of work of its own that is rolled back: reading changes
     * nothing, and leaves no snapshot to take or state to cache. Keys in the bucket are not all Depot's: an id that
     * is another kind of aggregate's counts as not found (Axon refuses to load it, as none of this type's handlers
     * takes its events).
     */
    private <A, R> Optional<R> load(Class<A> type, String id, Function<A, Optional<R>> question) {
        var unitOfWork = DefaultUnitOfWork.startAndGet(null);
        try {
            return axon.getObject().repository(type).load(id).invoke(question);
        } catch (AggregateNotFoundException | IncompatibleAggregateException e) {
            return Optional.empty();
        } finally {
            unitOfWork.rollback();
        }
    }
}
