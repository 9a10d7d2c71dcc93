package io.depot.saga.file;

import io.depot.file.FileVersionAvailableEvent;
import io.depot.file.FileVersionFailedEvent;
import io.depot.file.FileVersionVerifiedEvent;
import io.depot.file.FileVersionedEvent;
import io.depot.file.MarkVersionAvailableCommand;
import io.depot.file.RequestFileScanCommand;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.Test;

import java.time.Instant;

class FinalizeVersionSagaTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static SagaTestFixture<FinalizeVersionSaga> fixture(FinalizePolicy policy) {
        var fixture = new SagaTestFixture<>(FinalizeVersionSaga.class);
        fixture.registerResource(policy);
        return fixture;
    }

    private static FileVersionedEvent versioned(String sha256) {
        return new FileVersionedEvent("f-1", 2, "u-2", "alice", "a.png", "image/png", 10, sha256,
                StorageClass.STANDARD, Visibility.PRIVATE, "objects/f-1/u-2", T0);
    }

    @Test
    void aNewVersionStartsTheSagaAndWaitsForVerification() {
        fixture(new FinalizePolicy(true)).givenCurrentTime(T0)
                .whenPublishingA(versioned(null))
                .expectActiveSagas(1)
                .expectNoDispatchedCommands();
    }

    @Test
    void aVerifiedVersionIsSentToTheScannerAndMadeAvailableWhenPolicyAllowsUnscanned() {
        fixture(new FinalizePolicy(true)).givenCurrentTime(T0).andThenAPublished(versioned("abc"))
                .whenPublishingA(new FileVersionVerifiedEvent("f-1", 2, "abc"))
                .expectDispatchedCommands(new RequestFileScanCommand("f-1", 2),
                        new MarkVersionAvailableCommand("f-1", 2, false, T0));
    }

    @Test
    void aVerifiedVersionWaitsForTheScannerWhenPolicyRequiresIt() {
        fixture(new FinalizePolicy(false)).givenCurrentTime(T0).andThenAPublished(versioned(null))
                .whenPublishingA(new FileVersionVerifiedEvent("f-1", 2, "abc"))
                .expectDispatchedCommands(new RequestFileScanCommand("f-1", 2))
                .expectActiveSagas(1);
    }

    @Test
    void theSagaEndsWhenTheVersionIsAvailable() {
        fixture(new FinalizePolicy(true)).givenCurrentTime(T0).andThenAPublished(versioned(null))
                .whenPublishingA(new FileVersionAvailableEvent("f-1", 2, "objects/f-1/u-2", false, T0))
                .expectActiveSagas(0)
                .expectNoDispatchedCommands();
    }

    @Test
    void theSagaEndsWhenTheVersionFails() {
        fixture(new FinalizePolicy(true)).givenCurrentTime(T0).andThenAPublished(versioned(null))
                .whenPublishingA(new FileVersionFailedEvent("f-1", 2, "objects/f-1/u-2", "missing", T0))
                .expectActiveSagas(0)
                .expectNoDispatchedCommands();
    }

    @Test
    void anotherVersionsEventsDoNotConcernThisSaga() {
        fixture(new FinalizePolicy(true)).givenCurrentTime(T0).andThenAPublished(versioned(null))
                .whenPublishingA(new FileVersionVerifiedEvent("f-1", 3, "abc"))
                .expectNoDispatchedCommands()
                .expectActiveSagas(1);
    }
}
