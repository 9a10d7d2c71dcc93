package io.depot.reconcile;

import io.depot.error.DepotException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

class ReconcileRunTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final ReconcileFinding ORPHAN = new ReconcileFinding(
            ReconcileFinding.idOf(FindingKind.ORPHAN_OBJECT, "objects/f/u", null), FindingKind.ORPHAN_OBJECT,
            FindingOutcome.QUARANTINED, "objects/f/u", null, null, null, "no file holds it");
    private static final ReconcileCounts COUNTS = new ReconcileCounts(3, 1, 2, 1);

    private AggregateTestFixture<ReconcileRun> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ReconcileRun.class);
    }

    private static ReconcileRunStartedEvent started() {
        return new ReconcileRunStartedEvent("r-1", ReconcileTrigger.OPERATOR, "root", T0);
    }

    @Test
    void startingARunRecordsWhoStartedIt() {
        fixture.givenNoPriorActivity()
                .when(new StartReconcileRunCommand("r-1", ReconcileTrigger.OPERATOR, "root", T0))
                .expectEvents(started());
    }

    @Test
    void startingARunAgainChangesNothing() {
        fixture.given(started())
                .when(new StartReconcileRunCommand("r-1", ReconcileTrigger.OPERATOR, "root", T0.plusSeconds(1)))
                .expectNoEvents();
    }

    @Test
    void recordsEachFindingOnce() {
        fixture.given(started(), new ReconcileFindingRecordedEvent("r-1", ORPHAN, T0))
                .when(new RecordReconcileFindingCommand("r-1", ORPHAN, T0.plusSeconds(1)))
                .expectNoEvents()
                .expectResultMessagePayload(false);
    }

    @Test
    void recordsANewFinding() {
        fixture.given(started())
                .when(new RecordReconcileFindingCommand("r-1", ORPHAN, T0))
                .expectEvents(new ReconcileFindingRecordedEvent("r-1", ORPHAN, T0))
                .expectResultMessagePayload(true);
    }

    @Test
    void finishingCountsTheFindings() {
        fixture.given(started(), new ReconcileFindingRecordedEvent("r-1", ORPHAN, T0))
                .when(new FinishReconcileRunCommand("r-1", COUNTS, T0))
                .expectEvents(new ReconcileRunFinishedEvent("r-1", COUNTS, 1, T0));
    }

    @Test
    void cannotRecordFindingsAfterTheRunEnded() {
        fixture.given(started(), new ReconcileRunFailedEvent("r-1", "storage unreachable", T0))
                .when(new RecordReconcileFindingCommand("r-1", ORPHAN, T0))
                .expectException(DepotException.class)
                .expectNoEvents();
    }

    @Test
    void cannotFinishAFailedRun() {
        fixture.given(started(), new ReconcileRunFailedEvent("r-1", "storage unreachable", T0))
                .when(new FinishReconcileRunCommand("r-1", COUNTS, T0))
                .expectException(DepotException.class);
    }
}
