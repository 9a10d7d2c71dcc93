package io.depot.saga.file;

import io.depot.blob.BlobIds;
import io.depot.blob.ReferenceBlobCommand;
import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.FileInfectedEvent;
import io.depot.file.FileScanSkippedEvent;
import io.depot.file.FileScannedEvent;
import io.depot.file.FileVersionAvailableEvent;
import io.depot.file.FileVersionFailedEvent;
import io.depot.file.FileVersionVerifiedEvent;
import io.depot.file.FileVersionedEvent;
import io.depot.file.LinkFileContentCommand;
import io.depot.file.MarkVersionAvailableCommand;
import io.depot.file.RequestFileScanCommand;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import io.depot.platform.processing.ScanProperties;
import io.depot.saga.SagaResources;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

class FinalizeVersionSagaTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = T0.plusSeconds(30);

    private static final String SHA = "ab".repeat(32);
    private static final String BLOB = BlobIds.of(StorageClass.STANDARD, SHA);
    private static final String OWN = "objects/f-1/u-2";

    /** A fixture whose blob answers {@code contentKey} to every reference. */
    private static SagaTestFixture<FinalizeVersionSaga> fixture(boolean scanner, String contentKey) {
        var fixture = new SagaTestFixture<>(FinalizeVersionSaga.class);
        SagaResources.register(fixture);
        fixture.registerResource(
                new ScanProperties(scanner, ScanProperties.TooLarge.FAIL, ScanProperties.Infected.QUARANTINE));
        fixture.setCallbackBehavior((payload, metaData) -> payload instanceof ReferenceBlobCommand ? contentKey : null);
        return fixture;
    }

    private static SagaTestFixture<FinalizeVersionSaga> fixture(boolean scanner) {
        return fixture(scanner, OWN);
    }

    private static ReferenceBlobCommand reference(Instant at) {
        return new ReferenceBlobCommand(BLOB, "f-1:2", OWN, SHA, 10, StorageClass.STANDARD, at);
    }

    private static LinkFileContentCommand link(String key, Instant at) {
        return new LinkFileContentCommand("f-1", 2, BLOB, key, at);
    }

    private static FileVersionedEvent versioned() {
        return new FileVersionedEvent("f-1", 2, "u-2", "alice", "a.png", "image/png", 10, null,
                StorageClass.STANDARD, Visibility.PRIVATE, "objects/f-1/u-2", T0);
    }

    private static FileVersionVerifiedEvent verified() {
        return new FileVersionVerifiedEvent("f-1", 2, SHA);
    }

    @Test
    void aNewVersionStartsTheSagaAndWaitsForVerification() {
        fixture(true).givenCurrentTime(T0)
                .whenPublishingA(versioned())
                .expectActiveSagas(1)
                .expectNoDispatchedCommands();
    }

    @Test
    void aVerifiedVersionIsScannedWhenAScannerIsConfigured() {
        fixture(true).givenCurrentTime(T0).andThenAPublished(versioned())
                .whenPublishingA(verified())
                .expectDispatchedCommands(new RequestFileScanCommand("f-1", 2))
                .expectActiveSagas(1);
    }

    @Test
    void aVerifiedVersionIsAvailableAtOnceWithoutAScanner() {
        fixture(false).givenCurrentTime(T0).andThenAPublished(versioned())
                .whenPublishingA(verified())
                .expectDispatchedCommands(reference(T0), link(OWN, T0),
                        new MarkVersionAvailableCommand("f-1", 2, false, T0));
    }

    /** The same bytes were stored before: the version takes that object before it becomes available. */
    @Test
    void aVersionWhoseBytesWereStoredBeforeTakesTheirObject() {
        fixture(false, "objects/f-9/u-1").givenCurrentTime(T0).andThenAPublished(versioned())
                .whenPublishingA(verified())
                .expectDispatchedCommands(reference(T0), link("objects/f-9/u-1", T0),
                        new MarkVersionAvailableCommand("f-1", 2, false, T0));
    }

    @Test
    void aVersionWithoutASha256IsNotDeduplicated() {
        fixture(false).givenCurrentTime(T0).andThenAPublished(versioned())
                .whenPublishingA(new FileVersionVerifiedEvent("f-1", 2, null))
                .expectDispatchedCommands(new MarkVersionAvailableCommand("f-1", 2, false, T0));
    }

    /** The file was deleted while its content was referenced: the file's deletion releases it, the saga ends. */
    @Test
    void aRefusedLinkEndsTheSaga() {
        var fixture = fixture(false);
        fixture.setCallbackBehavior((payload, metaData) -> {
            if (payload instanceof LinkFileContentCommand) {
                throw new DepotException(ErrorCode.VERSION_NOT_FOUND, "gone");
            }
            return payload instanceof ReferenceBlobCommand ? OWN : null;
        });
        fixture.givenCurrentTime(T0).andThenAPublished(versioned())
                .whenPublishingA(verified())
                .expectDispatchedCommands(reference(T0), link(OWN, T0))
                .expectActiveSagas(0)
                .expectNoScheduledDeadlines();
    }

    @Test
    void aCleanScanMakesTheVersionAvailable() {
        fixture(true).givenCurrentTime(T0).andThenAPublished(versioned()).andThenAPublished(verified())
                .whenPublishingA(new FileScannedEvent("f-1", 2, "ClamAV 1.0.9", "27500", T1))
                .expectDispatchedCommands(reference(T1), link(OWN, T1), new MarkVersionAvailableCommand("f-1", 2, true, T1));
    }

    @Test
    void aSkippedScanMakesTheVersionAvailableUnscanned() {
        fixture(true).givenCurrentTime(T0).andThenAPublished(versioned()).andThenAPublished(verified())
                .whenPublishingA(new FileScanSkippedEvent("f-1", 2, "too large", T1))
                .expectDispatchedCommands(reference(T1), link(OWN, T1), new MarkVersionAvailableCommand("f-1", 2, false, T1));
    }

    @Test
    void anInfectedVersionEndsTheSagaWithoutBecomingAvailable() {
        fixture(true).givenCurrentTime(T0).andThenAPublished(versioned()).andThenAPublished(verified())
                .whenPublishingA(new FileInfectedEvent("f-1", 2, "objects/f-1/u-2", "Eicar-Test-Signature",
                        "quarantine/objects/f-1/u-2", T1))
                .expectActiveSagas(0)
                .expectNoDispatchedCommands();
    }

    @Test
    void theSagaEndsWhenTheVersionIsAvailable() {
        fixture(true).givenCurrentTime(T0).andThenAPublished(versioned())
                .whenPublishingA(new FileVersionAvailableEvent("f-1", 2, "objects/f-1/u-2", false, T0))
                .expectActiveSagas(0)
                .expectNoDispatchedCommands();
    }

    @Test
    void theSagaEndsWhenTheVersionFails() {
        fixture(true).givenCurrentTime(T0).andThenAPublished(versioned())
                .whenPublishingA(new FileVersionFailedEvent("f-1", 2, "objects/f-1/u-2", "missing", T0))
                .expectActiveSagas(0)
                .expectNoDispatchedCommands();
    }

    @Test
    void anotherVersionsEventsDoNotConcernThisSaga() {
        fixture(true).givenCurrentTime(T0).andThenAPublished(versioned())
                .whenPublishingA(new FileVersionVerifiedEvent("f-1", 3, SHA))
                .expectNoDispatchedCommands()
                .expectActiveSagas(1);
    }

    @Test
    void aCommandThatFailsIsTriedAgainByADeadline() {
        var fixture = fixture(false);
        fixture.setCallbackBehavior((payload, metaData) -> {
            throw new IllegalStateException("event store unreachable");
        });
        fixture.givenCurrentTime(T0).andThenAPublished(versioned())
                .whenPublishingA(verified())
                .expectActiveSagas(1)
                .expectScheduledDeadlineWithName(Duration.ofSeconds(5), FinalizeVersionSaga.RETRY);
    }

    @Test
    void aRetriedCommandThatFailsAgainWaitsTwiceAsLong() {
        var fixture = fixture(false);
        fixture.setCallbackBehavior((payload, metaData) -> {
            throw new IllegalStateException("event store unreachable");
        });
        fixture.givenCurrentTime(T0).andThenAPublished(versioned()).andThenAPublished(verified())
                .whenTimeElapses(Duration.ofSeconds(6))
                .expectDispatchedCommands(reference(T0))
                .expectScheduledDeadline(T0.plusSeconds(5 + 10), new FinalizeRetry("f-1", 2, 2))
                .expectActiveSagas(1);
    }

    @Test
    void aRetriedCommandThatLandsLeavesNoRetryBehind() {
        var fixture = fixture(false);
        fixture.setCallbackBehavior((payload, metaData) -> {
            throw new IllegalStateException("event store unreachable");
        });
        var given = fixture.givenCurrentTime(T0).andThenAPublished(versioned()).andThenAPublished(verified());
        fixture.setCallbackBehavior((payload, metaData) -> payload instanceof ReferenceBlobCommand ? OWN : null);
        given.whenTimeElapses(Duration.ofSeconds(6))
                .expectDispatchedCommands(reference(T0), link(OWN, T0), new MarkVersionAvailableCommand("f-1", 2, false, T0))
                .expectNoScheduledDeadlines();
    }

    @Test
    void aCommandTheDomainRefusesEndsTheSaga() {
        var fixture = fixture(false);
        fixture.setCallbackBehavior((payload, metaData) -> {
            throw new DepotException(ErrorCode.FILE_VERSION_FAILED, "version 2 of file f-1 failed");
        });
        fixture.givenCurrentTime(T0).andThenAPublished(versioned())
                .whenPublishingA(verified())
                .expectActiveSagas(0)
                .expectNoScheduledDeadlines();
    }
}
