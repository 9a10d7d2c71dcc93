package io.depot.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.matchers.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.depot.upload.UploadPlan.MIB;

class UploadSessionTest {

    private static final String UPLOAD = "u-1";
    private static final String OWNER = "alice";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final UploadPlan PLAN = UploadPlan.of(12 * MIB, 5 * MIB); // parts of 5, 5 and 2 MiB

    private AggregateTestFixture<UploadSession> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(UploadSession.class);
    }

    private static UploadInitiatedEvent initiated() {
        return new UploadInitiatedEvent(UPLOAD, "f-1", OWNER, "movie.mp4", "video/mp4", PLAN,
                StorageClass.STANDARD, Visibility.PRIVATE, null, "objects/f-1/u-1", "mpu-1", T0,
                T0.plusSeconds(3600));
    }

    private static PartUploadedEvent part(int n) {
        return new PartUploadedEvent(UPLOAD, n, "etag-" + n, PLAN.partLength(n), T0);
    }

    @Test
    void canInitiate() {
        fixture.givenNoPriorActivity()
                .when(new InitiateUploadCommand(UPLOAD, "f-1", OWNER, "movie.mp4", "video/mp4", PLAN,
                        StorageClass.STANDARD, Visibility.PRIVATE, null, "objects/f-1/u-1", "mpu-1", T0,
                        T0.plusSeconds(3600)))
                .expectSuccessfulHandlerExecution()
                .expectEvents(initiated());
    }

    @Test
    void canRecordAPartAndAnswersTheSessionsVersion() {
        fixture.given(initiated())
                .when(new RecordPartCommand(UPLOAD, OWNER, 3, "etag-3", 2 * MIB, T0))
                .expectEvents(new PartUploadedEvent(UPLOAD, 3, "etag-3", 2 * MIB, T0))
                .expectResultMessagePayload(1L);
    }

    @Test
    void recordingTheSamePartTwiceChangesNothing() {
        fixture.given(initiated(), part(1))
                .when(new RecordPartCommand(UPLOAD, OWNER, 1, "etag-1", 5 * MIB, T0))
                .expectSuccessfulHandlerExecution()
                .expectResultMessagePayload(1L)
                .expectNoEvents();
    }

    @Test
    void aReuploadedPartReplacesTheOldOne() {
        fixture.given(initiated(), part(1))
                .when(new RecordPartCommand(UPLOAD, OWNER, 1, "etag-new", 5 * MIB, T0))
                .expectEvents(new PartUploadedEvent(UPLOAD, 1, "etag-new", 5 * MIB, T0));
    }

    @Test
    void cannotRecordAPartOutsideThePlan() {
        fixture.given(initiated())
                .when(new RecordPartCommand(UPLOAD, OWNER, 4, "etag-4", 5 * MIB, T0))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.INVALID_PART_NUMBER)))
                .expectNoEvents();
    }

    @Test
    void cannotRecordAPartOfTheWrongSize() {
        fixture.given(initiated())
                .when(new RecordPartCommand(UPLOAD, OWNER, 1, "etag-1", 4 * MIB, T0))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.PART_SIZE_MISMATCH)))
                .expectNoEvents();
    }

    @Test
    void canRecordSeveralPartsInOneStep() {
        fixture.given(initiated(), part(1))
                .when(new RecordPartsCommand(UPLOAD, OWNER, List.of(new UploadedPart(1, "etag-1", 5 * MIB, T0),
                        new UploadedPart(2, "etag-2", 5 * MIB, T0), new UploadedPart(3, "etag-3", 2 * MIB, T0))))
                .expectEvents(part(2), part(3));
    }

    @Test
    void oneInvalidPartRecordsNoneOfTheOthers() {
        fixture.given(initiated())
                .when(new RecordPartsCommand(UPLOAD, OWNER, List.of(new UploadedPart(1, "etag-1", 5 * MIB, T0),
                        new UploadedPart(3, "etag-3", 5 * MIB, T0))))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.PART_SIZE_MISMATCH)))
                .expectNoEvents();
    }

    @Test
    void theSessionDescribesItselfToItsOwnerOnlyAndRecordsNothing() {
        fixture.given(initiated(), part(1))
                .when(new DescribeUploadSessionCommand(UPLOAD, OWNER))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(Matchers.predicate(view -> view instanceof UploadSessionView v
                        && v.parts().size() == 1 && v.status() == UploadStatus.IN_PROGRESS));
        fixture.given(initiated())
                .when(new DescribeUploadSessionCommand(UPLOAD, "mallory"))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_NOT_FOUND)));
    }

    @Test
    void anotherUserCannotRecordParts() {
        fixture.given(initiated())
                .when(new RecordPartsCommand(UPLOAD, "mallory", List.of(new UploadedPart(1, "etag-1", 5 * MIB, T0))))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_NOT_FOUND)))
                .expectNoEvents();
    }

    @Test
    void anotherUserCannotSeeTheUpload() {
        fixture.given(initiated())
                .when(new RecordPartCommand(UPLOAD, "mallory", 1, "etag-1", 5 * MIB, T0))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_NOT_FOUND)))
                .expectNoEvents();
    }

    @Test
    void canCompleteWhenAllPartsArePresent() {
        fixture.given(initiated(), part(1), part(2), part(3))
                .when(new CompleteUploadCommand(UPLOAD, OWNER, 1, null, T0))
                .expectEvents(new UploadCompletedEvent(UPLOAD, OWNER, "f-1", 1, 12 * MIB, null, T0))
                .expectResultMessagePayload(new UploadCompletion(UPLOAD, "f-1", 1));
    }

    @Test
    void cannotCompleteWithAMissingPart() {
        fixture.given(initiated(), part(1), part(3))
                .when(new CompleteUploadCommand(UPLOAD, OWNER, 1, null, T0))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.PARTS_MISSING)
                        && ((Throwable) e).getMessage().contains("[2]")))
                .expectNoEvents();
    }

    @Test
    void completingTwiceReturnsTheFirstResult() {
        fixture.given(initiated(), part(1), part(2), part(3),
                        new UploadCompletedEvent(UPLOAD, OWNER, "f-1", 4, 12 * MIB, null, T0))
                .when(new CompleteUploadCommand(UPLOAD, OWNER, 5, null, T0))
                .expectNoEvents()
                .expectResultMessagePayload(new UploadCompletion(UPLOAD, "f-1", 4));
    }

    @Test
    void anotherUserCannotComplete() {
        fixture.given(initiated(), part(1), part(2), part(3))
                .when(new CompleteUploadCommand(UPLOAD, "mallory", 1, null, T0))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_NOT_FOUND)))
                .expectNoEvents();
    }

    @Test
    void cannotCompleteAfterAbort() {
        fixture.given(initiated(), part(1), part(2), part(3),
                        new UploadAbortedEvent(UPLOAD, OWNER, "objects/f-1/u-1", "mpu-1", AbortReason.CLIENT_ABORTED, T0))
                .when(new CompleteUploadCommand(UPLOAD, OWNER, 1, null, T0))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_ABORTED)))
                .expectNoEvents();
    }

    @Test
    void cannotRecordAPartAfterCompletion() {
        fixture.given(initiated(), part(1), part(2), part(3),
                        new UploadCompletedEvent(UPLOAD, OWNER, "f-1", 1, 12 * MIB, null, T0))
                .when(new RecordPartCommand(UPLOAD, OWNER, 1, "etag-x", 5 * MIB, T0))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_COMPLETED)))
                .expectNoEvents();
    }

    @Test
    void canAbort() {
        fixture.given(initiated(), part(1))
                .when(new AbortUploadCommand(UPLOAD, OWNER, AbortReason.CLIENT_ABORTED, T0))
                .expectEvents(new UploadAbortedEvent(UPLOAD, OWNER, "objects/f-1/u-1", "mpu-1", AbortReason.CLIENT_ABORTED, T0));
    }

    @Test
    void abortingTwiceChangesNothing() {
        fixture.given(initiated(),
                        new UploadAbortedEvent(UPLOAD, OWNER, "objects/f-1/u-1", "mpu-1", AbortReason.CLIENT_ABORTED, T0))
                .when(new AbortUploadCommand(UPLOAD, OWNER, AbortReason.CLIENT_ABORTED, T0))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void cannotAbortACompletedUpload() {
        fixture.given(initiated(), part(1), part(2), part(3),
                        new UploadCompletedEvent(UPLOAD, OWNER, "f-1", 1, 12 * MIB, null, T0))
                .when(new AbortUploadCommand(UPLOAD, OWNER, AbortReason.CLIENT_ABORTED, T0))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_COMPLETED)))
                .expectNoEvents();
    }

    @Test
    void anotherUserCannotAbort() {
        fixture.given(initiated())
                .when(new AbortUploadCommand(UPLOAD, "mallory", AbortReason.CLIENT_ABORTED, T0))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_NOT_FOUND)))
                .expectNoEvents();
    }

    static boolean hasCode(Object e, ErrorCode code) {
        return e instanceof DepotException d && d.code() == code;
    }
}
