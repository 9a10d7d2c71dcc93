package io.depot.command.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.axon.Dispatch;
import io.depot.upload.DescribeUploadSessionCommand;
import io.depot.upload.FindUploadPartsQuery;
import io.depot.upload.FindUploadSessionQuery;
import io.depot.upload.UploadSessionSummary;
import io.depot.upload.UploadSessionView;
import io.depot.upload.UploadedPart;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.responsetypes.ResponseType;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.queryhandling.QueryGateway;
import org.axonframework.queryhandling.SubscriptionQueryResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.function.BiPredicate;

/**
 * Upload sessions as their owners see them, from the {@code upload_sessions} read model that the sessions' events
 * keep. When the read model cannot answer within {@code depot.upload.read-model-timeout}, or does not know the
 * session yet, the session itself is asked, so uploads go on while the read model's store is down. A client reads its own writes: a use case that changes a session answers once the read model shows the
 * change ({@link #change}), so a resume or progress request that follows, on any instance, sees it.
 * <p>
 * Changes are pushed by the projection to subscribers in the instance that runs it (and, through Axon Server, in
 * every instance). Where the projection runs in another instance without Axon Server, nothing is pushed here: a
 * waiting command then re-reads the read model every {@code depot.upload.read-your-writes-poll}, and a progress
 * stream every {@code depot.upload.progress-poll}.
 */
@Component
class UploadSessions {

    private static final Logger log = LoggerFactory.getLogger(UploadSessions.class);

    private final QueryGateway queries;
    private final CommandGateway commands;
    private final UploadProperties properties;

    UploadSessions(QueryGateway queries, CommandGateway commands, UploadProperties properties) {
        this.queries = queries;
        this.commands = commands;
        this.properties = properties;
    }

    /** The session without its parts, as {@code requesterId} may see it: another user's session does not exist. */
    Mono<UploadSessionSummary> find(String uploadId, String requesterId) {
        return fromReadModel(uploadId, requesterId)
                .switchIfEmpty(Mono.defer(() -> describe(uploadId, requesterId)
                        .map(view -> UploadSessionSummary.of(view, -1))));
    }

    /** The whole session, parts included. */
    Mono<UploadSessionView> view(String uploadId, String requesterId) {
        return fromReadModel(uploadId, requesterId)
                .flatMap(session -> readModel(new FindUploadPartsQuery(uploadId),
                        ResponseTypes.multipleInstancesOf(UploadedPart.class)).map(session::withParts))
                .switchIfEmpty(Mono.defer(() -> describe(uploadId, requesterId)));
    }

    private Mono<UploadSessionSummary> read(String uploadId) {
        return Dispatch.query(queries, new FindUploadSessionQuery(uploadId),
                ResponseTypes.instanceOf(UploadSessionSummary.class));
    }

    /** The read model's answer, or nothing when it has none (yet) or cannot answer in time. */
    private Mono<UploadSessionSummary> fromReadModel(String uploadId, String requesterId) {
        return readModel(new FindUploadSessionQuery(uploadId), ResponseTypes.instanceOf(UploadSessionSummary.class))
                .filter(session -> session.ownerId().equals(requesterId));
    }

    private <R> Mono<R> readModel(Object query, ResponseType<R> type) {
        return Dispatch.query(queries, query, type)
                .timeout(properties.readModelTimeout())
                .onErrorResume(e -> {
                    log.warn("the upload sessions' read model did not answer {}, asking the session: {}", query,
                            e.toString());
                    return Mono.empty();
                });
    }

    /**
     * The session's own state, for when the read model cannot answer: it is down, or it has not caught up with a
     * session that the client changed through another instance.
     */
    /**
     * Whether the session itself (not the read model, which may lag) is recorded with this storage upload: asked of
     * the aggregate, through the event store. Fails when that cannot be told.
     */
    Mono<Boolean> recordedWith(String uploadId, String ownerId, String storageUploadId) {
        return describe(uploadId, ownerId)
                .map(view -> storageUploadId.equals(view.storageUploadId()))
                .onErrorResume(e -> e instanceof DepotException d && d.code() == ErrorCode.UPLOAD_NOT_FOUND,
                        e -> Mono.just(false));
    }

    /** The session as it is now, from the session itself (the read model may not show its latest change yet). */
    Mono<UploadSessionView> describe(String uploadId, String requesterId) {
        return Dispatch.<UploadSessionView>command(commands, new DescribeUploadSessionCommand(uploadId, requesterId))
                .onErrorMap(AggregateNotFoundException.class, e -> notFound(uploadId));
    }

    /**
     * Runs {@code command}, then waits until the session shows its result ({@code visible}) before answering with the command's
     * result. The subscription is made before the command is sent, so no change is missed. When the read model lags
     * past {@code depot.upload.read-your-writes-timeout} (its store is down, its processor behind), the command's
     * result is answered anyway: the change is stored, only its reading lags.
     */
    <T> Mono<T> change(String uploadId, Mono<T> command, BiPredicate<T, UploadSessionSummary> visible) {
        return Mono.usingWhen(Mono.fromCallable(() -> subscribe(uploadId)),
                subscription -> command.flatMap(result -> states(uploadId, subscription,
                        properties.readYourWritesPoll())
                        .filter(session -> visible.test(result, session))
                        .next()
                        .timeout(properties.readYourWritesTimeout())
                        .onErrorResume(e -> {
                            log.warn("upload {} changed, but its read model did not show it within {}: {}", uploadId,
                                    properties.readYourWritesTimeout(), e.toString());
                            return Mono.empty();
                        })
                        .thenReturn(result)),
                subscription -> Mono.fromRunnable(subscription::cancel));
    }

    /** The session's state now, then after each change, for as long as the caller listens. */
    Flux<UploadSessionSummary> follow(String uploadId, String requesterId) {
        return find(uploadId, requesterId).flatMapMany(first -> Flux.using(() -> subscribe(uploadId),
                subscription -> Flux.concat(Mono.just(first),
                        states(uploadId, subscription, properties.progressPoll()).skip(1)),
                SubscriptionQueryResult::cancel));
    }

    private SubscriptionQueryResult<UploadSessionSummary, UploadSessionSummary> subscribe(String uploadId) {
        return queries.subscriptionQuery(new FindUploadSessionQuery(uploadId),
                ResponseTypes.instanceOf(UploadSessionSummary.class), ResponseTypes.instanceOf(UploadSessionSummary.class));
    }

    /** The current state, then the pushed updates, with a re-read of the read model every {@code poll} beside them. */
    private Flux<UploadSessionSummary> states(String uploadId,
                                              SubscriptionQueryResult<UploadSessionSummary, UploadSessionSummary> subscription,
                                              Duration poll) {
        Flux<UploadSessionSummary> rereads = Flux.interval(poll).onBackpressureDrop().concatMap(tick -> read(uploadId));
        return Flux.concat(read(uploadId), Flux.merge(subscription.updates().onBackpressureLatest(), rereads));
    }

    static DepotException notFound(String uploadId) {
        return new DepotException(ErrorCode.UPLOAD_NOT_FOUND, "no upload " + uploadId);
    }
}
