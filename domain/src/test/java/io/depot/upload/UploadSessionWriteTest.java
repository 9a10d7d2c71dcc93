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
import static org.assertj.core.api.Assertions.assertThat;

/** Uploads written in order (tus): the write lease, the offset, tails, and lengths declared late. */
class UploadSessionWriteTest {

    private static final String UPLOAD = "u-1";
    private static final String OWNER = "alice";
    private static final String KEY = "objects/f-1/u-1";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant LEASE = T0.plusSeconds(30);
    private static final UploadPlan PLAN = UploadPlan.of(12 * MIB, 5 * MIB); // parts of 5, 5 and 2 MiB
    private static final TusOptions TUS = new TusOptions("filename bW92aWUubXA0", null, List.of());

    private AggregateTestFixture<UploadSession> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(UploadSession.class);
    }

    private static UploadInitiatedEvent initiated(UploadPlan plan) {
        return new UploadInitiatedEvent(UPLOAD, "f-1", OWNER, "movie.mp4", "video/mp4", plan, StorageClass.STANDARD,
                Visibility.PRIVATE, null, KEY, "mpu-1", T0, T0.plusSeconds(3600), TUS);
    }

    private static UploadWriteStartedEvent started(String writeId, long offset) {
        return new UploadWriteStartedEvent(UPLOAD, writeId, offset, T0, LEASE);
    }

    private static UploadWriteAdvancedEvent tail(String writeId, long offset, String tailKey, long length,
                                                 String replaced, Instant lease) {
        return new UploadWriteAdvancedEvent(UPLOAD, writeId, offset, tailKey, length, replaced, T0, lease);
    }

    @Test
    void aWriteTakesTheLeaseAtTheUploadsOffset() {
        fixture.given(initiated(PLAN))
                .when(new StartUploadWriteCommand(UPLOAD, OWNER, "w1", 0, T0, LEASE))
                .expectEvents(started("w1", 0))
                .expectResultMessagePayloadMatching(Matchers.predicate(view -> ((UploadSessionView) view).write()
                        .equals(new UploadWrite(0, null, 0, "w1", LEASE))));
    }

    @Test
    void aSecondWriteIsRefusedWhileTheLeaseRuns() {
        fixture.given(initiated(PLAN), started("w1", 0))
                .when(new StartUploadWriteCommand(UPLOAD, OWNER, "w2", 0, T0.plusSeconds(10), T0.plusSeconds(40)))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_LOCKED)))
                .expectNoEvents();
    }

    @Test
    void aLeaseThatRanOutIsTakenOver() {
        fixture.given(initiated(PLAN), started("w1", 0))
                .when(new StartUploadWriteCommand(UPLOAD, OWNER, "w2", 0, LEASE, LEASE.plusSeconds(30)))
                .expectEvents(new UploadWriteStartedEvent(UPLOAD, "w2", 0, LEASE, LEASE.plusSeconds(30)));
    }

    @Test
    void aWriteAnywhereButTheOffsetIsRefused() {
        fixture.given(initiated(PLAN), started("w1", 0), tail("w1", 3 * MIB, KEY + ".tail-w1-1", 3 * MIB, null, null))
                .when(new StartUploadWriteCommand(UPLOAD, OWNER, "w2", 0, T0, LEASE))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_OFFSET_MISMATCH)
                        && ((Throwable) e).getMessage().contains("stands at offset " + 3 * MIB)))
                .expectNoEvents();
    }

    @Test
    void aWholePartReplacesTheTailItCompleted() {
        String oldTail = KEY + ".tail-w1-1";
        fixture.given(initiated(PLAN), started("w1", 0), tail("w1", 3 * MIB, oldTail, 3 * MIB, null, null),
                        started("w2", 3 * MIB))
                .when(new AdvanceUploadWriteCommand(UPLOAD, OWNER, "w2",
                        List.of(new UploadedPart(1, "e1", 5 * MIB, T0)), 5 * MIB, null, 0, T0, LEASE))
                .expectEvents(new PartUploadedEvent(UPLOAD, 1, "e1", 5 * MIB, T0),
                        tail("w2", 5 * MIB, null, 0, oldTail, LEASE));
    }

    @Test
    void onlyTheLeaseHolderAdvances() {
        fixture.given(initiated(PLAN), started("w1", 0))
                .when(new AdvanceUploadWriteCommand(UPLOAD, OWNER, "w2", List.of(), 10, KEY + ".tail-w2-1", 10, T0,
                        null))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_LOCKED)))
                .expectNoEvents();
    }

    @Test
    void aPartOfTheWrongSizeOrAnOffsetPastTheEndIsRefused() {
        fixture.given(initiated(PLAN), started("w1", 0))
                .when(new AdvanceUploadWriteCommand(UPLOAD, OWNER, "w1",
                        List.of(new UploadedPart(1, "e1", 4 * MIB, T0)), 4 * MIB, null, 0, T0, LEASE))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.PART_SIZE_MISMATCH)))
                .expectNoEvents();
        fixture.given(initiated(PLAN), started("w1", 0))
                .when(new AdvanceUploadWriteCommand(UPLOAD, OWNER, "w1", List.of(), 13 * MIB, "t", MIB, T0, LEASE))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_OFFSET_MISMATCH)))
                .expectNoEvents();
    }

    @Test
    void anExpiredOrEndedUploadTakesNoWrite() {
        fixture.given(initiated(PLAN))
                .when(new StartUploadWriteCommand(UPLOAD, OWNER, "w1", 0, T0.plusSeconds(3600), LEASE))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_GONE)))
                .expectNoEvents();
        fixture.given(initiated(PLAN), new UploadAbortedEvent(UPLOAD, OWNER, KEY, "mpu-1", AbortReason.CLIENT_ABORTED, T0))
                .when(new StartUploadWriteCommand(UPLOAD, OWNER, "w1", 0, T0, LEASE))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_ABORTED)))
                .expectNoEvents();
        fixture.given(initiated(PLAN))
                .when(new StartUploadWriteCommand(UPLOAD, "mallory", "w1", 0, T0, LEASE))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.UPLOAD_NOT_FOUND)))
                .expectNoEvents();
    }

    @Test
    void aDeferredLengthIsDeclaredOnceAndNeverBelowTheBytesWritten() {
        UploadPlan deferred = UploadPlan.deferred(5 * MIB);
        UploadPlan declared = deferred.declare(12 * MIB);
        assertThat(declared).isEqualTo(new UploadPlan(12 * MIB, 5 * MIB, 3, UploadMode.MULTIPART));
        fixture.given(initiated(deferred), started("w1", 0),
                        new PartUploadedEvent(UPLOAD, 1, "e1", 5 * MIB, T0), tail("w1", 5 * MIB, null, 0, null, null))
                .when(new DeclareUploadLengthCommand(UPLOAD, OWNER, 12 * MIB, T0))
                .expectEvents(new UploadLengthDeclaredEvent(UPLOAD, declared, T0));
        fixture.given(initiated(deferred), started("w1", 0),
                        new PartUploadedEvent(UPLOAD, 1, "e1", 5 * MIB, T0), tail("w1", 5 * MIB, null, 0, null, null))
                .when(new DeclareUploadLengthCommand(UPLOAD, OWNER, 4 * MIB, T0))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.VALIDATION_FAILED)))
                .expectNoEvents();
        fixture.given(initiated(deferred), new UploadLengthDeclaredEvent(UPLOAD, declared, T0))
                .when(new DeclareUploadLengthCommand(UPLOAD, OWNER, 12 * MIB, T0))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(initiated(deferred), new UploadLengthDeclaredEvent(UPLOAD, declared, T0))
                .when(new DeclareUploadLengthCommand(UPLOAD, OWNER, 13 * MIB, T0))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.VALIDATION_FAILED)))
                .expectNoEvents();
    }

    @Test
    void aDeferredUploadCannotCompleteBeforeItsLengthIsDeclared() {
        fixture.given(initiated(UploadPlan.deferred(5 * MIB)), new PartUploadedEvent(UPLOAD, 1, "e1", 5 * MIB, T0))
                .when(new CompleteUploadCommand(UPLOAD, OWNER, 1, null, T0))
                .expectException(Matchers.predicate(e -> hasCode(e, ErrorCode.PARTS_MISSING)))
                .expectNoEvents();
    }

    @Test
    void deferredPlansKeepTheirPartSizeAndRefuseLengthsBeyondTenThousandParts() {
        UploadPlan deferred = UploadPlan.deferred(8 * MIB);
        assertThat(deferred.lengthDeferred()).isTrue();
        assertThat(deferred.partLength(9_999)).isEqualTo(8 * MIB);
        assertThat(deferred.declare(100).mode()).isEqualTo(UploadMode.SINGLE);
        assertThat(deferred.declare(100).partLength(1)).isEqualTo(100);
        assertThat(deferred.declare(0).partCount()).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> deferred.declare(8 * MIB * 10_000 + 1))
                .isInstanceOf(DepotException.class)
                .satisfies(e -> assertThat(((DepotException) e).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
        assertThat(UploadWrite.isTailOf(UploadWrite.tailKey(KEY, "w1-1"), KEY)).isTrue();
        assertThat(UploadWrite.isTailOf(KEY, KEY)).isFalse();
    }

    private static boolean hasCode(Object e, ErrorCode code) {
        return e instanceof DepotException d && d.code() == code;
    }
}
