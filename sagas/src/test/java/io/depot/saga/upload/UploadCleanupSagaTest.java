package io.depot.saga.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import io.depot.saga.SagaResources;
import io.depot.upload.AbortReason;
import io.depot.upload.AbortUploadCommand;
import io.depot.upload.UploadAbortedEvent;
import io.depot.upload.UploadCompletedEvent;
import io.depot.upload.UploadExpiry;
import io.depot.upload.UploadInitiatedEvent;
import io.depot.upload.UploadPlan;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

class UploadCleanupSagaTest {

    private static final String UPLOAD = "u-1";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant DEADLINE = T0.plus(Duration.ofHours(24));
    private static final AbortUploadCommand EXPIRE = new AbortUploadCommand(UPLOAD, "alice", AbortReason.EXPIRED, DEADLINE);

    private SagaTestFixture<UploadCleanupSaga> fixture;

    @BeforeEach
    void setUp() {
        fixture = new SagaTestFixture<>(UploadCleanupSaga.class);
        SagaResources.register(fixture);
    }

    private static UploadInitiatedEvent initiated() {
        return new UploadInitiatedEvent(UPLOAD, "f-1", "alice", "a.bin", "application/octet-stream",
                UploadPlan.of(12 * UploadPlan.MIB, 5 * UploadPlan.MIB), StorageClass.STANDARD, Visibility.PRIVATE,
                null, "objects/f-1/u-1", "mpu-1", T0, DEADLINE);
    }

    @Test
    void anInitiatedUploadGetsItsDeadline() {
        fixture.givenCurrentTime(T0)
                .whenPublishingA(initiated())
                .expectActiveSagas(1)
                .expectScheduledDeadlineWithName(Duration.ofHours(24), UploadCleanupSaga.EXPIRY)
                .expectNoDispatchedCommands();
    }

    @Test
    void aCompletedUploadEndsTheSagaAndItsDeadline() {
        fixture.givenCurrentTime(T0).andThenAPublished(initiated())
                .whenPublishingA(new UploadCompletedEvent(UPLOAD, "alice", "f-1", 1, 12 * UploadPlan.MIB, null, T0))
                .expectActiveSagas(0)
                .expectNoScheduledDeadlines()
                .expectNoDispatchedCommands();
    }

    @Test
    void anUploadPastItsDeadlineExpires() {
        fixture.givenCurrentTime(T0).andThenAPublished(initiated())
                .whenTimeElapses(Duration.ofHours(24).plusSeconds(1))
                .expectDeadlinesMet(new UploadExpiry(UPLOAD, "alice", DEADLINE, 0))
                .expectDispatchedCommands(EXPIRE)
                .expectNoScheduledDeadlines();
    }

    @Test
    void anUploadBeforeItsDeadlineDoesNotExpire() {
        fixture.givenCurrentTime(T0).andThenAPublished(initiated())
                .whenTimeElapses(Duration.ofHours(23))
                .expectNoDispatchedCommands()
                .expectActiveSagas(1);
    }

    @Test
    void anExpiryThatCannotBeRecordedIsTriedAgain() {
        fixture.setCallbackBehavior((payload, metaData) -> {
            throw new IllegalStateException("event store unreachable");
        });
        fixture.givenCurrentTime(T0).andThenAPublished(initiated())
                .whenTimeElapses(Duration.ofHours(24).plusSeconds(1))
                .expectDispatchedCommands(EXPIRE)
                .expectScheduledDeadline(DEADLINE.plusSeconds(5), new UploadExpiry(UPLOAD, "alice", DEADLINE, 1))
                .expectActiveSagas(1);
    }

    @Test
    void aRetriedExpiryThatLandsLeavesNothingScheduled() throws Exception {
        fixture.setCallbackBehavior((payload, metaData) -> {
            throw new IllegalStateException("event store unreachable");
        });
        var given = fixture.givenCurrentTime(T0).andThenAPublished(initiated());
        given.andThenTimeElapses(Duration.ofHours(24).plusSeconds(1));
        fixture.setCallbackBehavior((payload, metaData) -> null);
        given.whenTimeElapses(Duration.ofSeconds(6))
                .expectDispatchedCommands(EXPIRE)
                .expectNoScheduledDeadlines();
    }

    @Test
    void anUploadCompletedBeforeItsExpiryLandedIsNotTriedAgain() {
        fixture.setCallbackBehavior((payload, metaData) -> {
            throw new DepotException(ErrorCode.UPLOAD_COMPLETED, "upload u-1 is already completed");
        });
        fixture.givenCurrentTime(T0).andThenAPublished(initiated())
                .whenTimeElapses(Duration.ofHours(24).plusSeconds(1))
                .expectDispatchedCommands(EXPIRE)
                .expectNoScheduledDeadlines()
                .expectActiveSagas(0);
    }

    @Test
    void anAbortedUploadEndsTheSagaAndItsDeadline() {
        fixture.givenCurrentTime(T0).andThenAPublished(initiated())
                .whenPublishingA(new UploadAbortedEvent(UPLOAD, "alice", "objects/f-1/u-1", "mpu-1", AbortReason.EXPIRED, DEADLINE))
                .expectActiveSagas(0)
                .expectNoScheduledDeadlines()
                .expectNoDispatchedCommands();
    }
}
