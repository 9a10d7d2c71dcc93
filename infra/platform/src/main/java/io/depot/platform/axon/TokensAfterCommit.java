package io.depot.platform.axon;

import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A token store that writes a token once the unit of work that handled its events has committed. Depot keeps
 * tokens in MongoDB, outside the transaction of the event store and of what handlers write, and Axon's tracking
 * processors store a batch's token as the batch starts: a process killed before the handlers' writes, the sagas'
 * state and the events their commands appended were committed had skipped those events for good. Once the embedded
 * store wrote every change at once, the all-in-one killed with SIGKILL right after completing an upload never showed
 * the new version after 21 of 50 restarts, and versions stayed in processing. Written after the commit, a token can
 * only lag behind: a process killed in between handles the batch again, and handlers are idempotent. The claim is
 * still extended when the batch starts, so a processor whose segment another instance took finds out before it
 * handles anything.
 */
public final class TokensAfterCommit implements TokenStore {

    private static final String PENDING = TokensAfterCommit.class.getName() + ".pending/";

    private final TokenStore delegate;

    public TokensAfterCommit(TokenStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public void storeToken(TrackingToken token, String processorName, int segment) {
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.isStarted() ? CurrentUnitOfWork.get().root() : null;
        if (unitOfWork == null || !(unitOfWork.phase() == UnitOfWork.Phase.STARTED
                || unitOfWork.phase() == UnitOfWork.Phase.PREPARE_COMMIT)) {
            delegate.storeToken(token, processorName, segment);
            return;
        }
        delegate.extendClaim(processorName, segment);
        // One write after the commit, of the last token stored during the unit of work.
        AtomicReference<TrackingToken> pending = unitOfWork.getOrComputeResource(
                PENDING + processorName + "/" + segment, key -> {
                    AtomicReference<TrackingToken> last = new AtomicReference<>();
                    unitOfWork.afterCommit(u -> delegate.storeToken(last.get(), processorName, segment));
                    return last;
                });
        pending.set(token);
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount) {
        delegate.initializeTokenSegments(processorName, segmentCount);
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount, TrackingToken initialToken) {
        delegate.initializeTokenSegments(processorName, segmentCount, initialToken);
    }

    @Override
    public TrackingToken fetchToken(String processorName, int segment) {
        return delegate.fetchToken(processorName, segment);
    }

    @Override
    public TrackingToken fetchToken(String processorName, Segment segment) {
        return delegate.fetchToken(processorName, segment);
    }

    @Override
    public void extendClaim(String processorName, int segment) {
        delegate.extendClaim(processorName, segment);
    }

    @Override
    public void releaseClaim(String processorName, int segment) {
        delegate.releaseClaim(processorName, segment);
    }

    @Override
    public void initializeSegment(TrackingToken token, String processorName, int segment) {
        delegate.initializeSegment(token, processorName, segment);
    }

    @Override
    public void deleteToken(String processorName, int segment) {
        delegate.deleteToken(processorName, segment);
    }

    @Override
    public boolean requiresExplicitSegmentInitialization() {
        return delegate.requiresExplicitSegmentInitialization();
    }

    @Override
    public int[] fetchSegments(String processorName) {
        return delegate.fetchSegments(processorName);
    }

    @Override
    public List<Segment> fetchAvailableSegments(String processorName) {
        return delegate.fetchAvailableSegments(processorName);
    }

    @Override
    public Optional<String> retrieveStorageIdentifier() {
        return delegate.retrieveStorageIdentifier();
    }
}
