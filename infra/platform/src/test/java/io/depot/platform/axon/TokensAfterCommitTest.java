package io.depot.platform.axon;

import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokensAfterCommitTest {

    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private final TokensAfterCommit tokens = new TokensAfterCommit(store);

    @BeforeEach
    void aProcessorOwnsItsSegment() {
        tokens.initializeTokenSegments("files", 1, new GlobalSequenceTrackingToken(10));
        tokens.fetchToken("files", 0);
    }

    @Test
    void aTokenStoredWhileEventsAreHandledIsWrittenOnceTheirUnitOfWorkCommitted() {
        DefaultUnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        tokens.storeToken(new GlobalSequenceTrackingToken(20), "files", 0);

        assertThat(store.fetchToken("files", 0)).isEqualTo(new GlobalSequenceTrackingToken(10));
        unitOfWork.commit();
        assertThat(store.fetchToken("files", 0)).isEqualTo(new GlobalSequenceTrackingToken(20));
    }

    @Test
    void aUnitOfWorkThatRollsBackLeavesTheTokenWhereItWas() {
        DefaultUnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        tokens.storeToken(new GlobalSequenceTrackingToken(20), "files", 0);

        unitOfWork.rollback();
        assertThat(store.fetchToken("files", 0)).isEqualTo(new GlobalSequenceTrackingToken(10));
    }

    @Test
    void theLastTokenOfAUnitOfWorkIsTheOneWritten() {
        DefaultUnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        tokens.storeToken(new GlobalSequenceTrackingToken(20), "files", 0);
        tokens.storeToken(new GlobalSequenceTrackingToken(30), "files", 0);

        unitOfWork.commit();
        assertThat(store.fetchToken("files", 0)).isEqualTo(new GlobalSequenceTrackingToken(30));
    }

    @Test
    void aTokenStoredOutsideAUnitOfWorkIsWrittenAtOnce() {
        tokens.storeToken(new GlobalSequenceTrackingToken(20), "files", 0);

        assertThat(store.fetchToken("files", 0)).isEqualTo(new GlobalSequenceTrackingToken(20));
    }
}
