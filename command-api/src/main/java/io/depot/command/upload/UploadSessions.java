package io.depot.command.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.upload.UploadSession;
import io.depot.upload.UploadSessionView;
import org.axonframework.eventsourcing.AggregateFactory;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.Repository;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reads an upload session's state from the write model. An upload in flight is its owner's own working
 * state, and a client resuming after a crash must see every part it reported, with no read-model lag.
 * Reads go to the event store (latest snapshot and the events after it), never to this instance's
 * aggregate cache, which does not see what other instances recorded.
 */
@Component
class UploadSessions {

    private final Repository<UploadSession> repository;

    UploadSessions(EventStore eventStore, AggregateFactory<UploadSession> uploadSessionFactory) {
        this.repository = EventSourcingRepository.builder(UploadSession.class)
                .eventStore(eventStore)
                .aggregateFactory(uploadSessionFactory)
                .build();
    }

    /** The session as {@code requesterId} may see it: another user's session does not exist. */
    Mono<UploadSessionView> find(String uploadId, String requesterId) {
        return Mono.fromCallable(() -> load(uploadId))
                .subscribeOn(Schedulers.boundedElastic())
                .filter(view -> view.ownerId().equals(requesterId))
                .switchIfEmpty(Mono.error(() -> notFound(uploadId)));
    }

    private UploadSessionView load(String uploadId) {
        var unitOfWork = DefaultUnitOfWork.startAndGet(null);
        var result = unitOfWork.executeWithResult(() -> repository.load(uploadId).invoke(UploadSession::view));
        if (result.isExceptional()) {
            Throwable failure = result.exceptionResult();
            if (failure instanceof AggregateNotFoundException) {
                throw notFound(uploadId);
            }
            throw failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
        }
        return result.getPayload();
    }

    static DepotException notFound(String uploadId) {
        return new DepotException(ErrorCode.UPLOAD_NOT_FOUND, "no upload " + uploadId);
    }
}
