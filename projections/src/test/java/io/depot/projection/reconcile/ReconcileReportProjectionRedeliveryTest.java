package io.depot.projection.reconcile;

import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.projection.AggregateEvents;
import io.depot.projection.Redelivery;
import io.depot.reconcile.FindReconcileRunQuery;
import io.depot.reconcile.FindingKind;
import io.depot.reconcile.FindingOutcome;
import io.depot.reconcile.ReconcileCounts;
import io.depot.reconcile.ReconcileFinding;
import io.depot.reconcile.ReconcileFindingRecordedEvent;
import io.depot.reconcile.ReconcileRunFailedEvent;
import io.depot.reconcile.ReconcileRunFinishedEvent;
import io.depot.reconcile.ReconcileRunStartedEvent;
import io.depot.reconcile.ReconcileRunStatus;
import io.depot.reconcile.ReconcileRunView;
import io.depot.reconcile.ReconcileTrigger;
import org.axonframework.eventhandling.EventMessage;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.depot.projection.Redelivery.minute;
import static org.assertj.core.api.Assertions.assertThat;

/** Reconcile reports are the same however often, and in whatever order across runs, their events come. */
class ReconcileReportProjectionRedeliveryTest {

    @AutoClose
    private final Redelivery redelivery = new Redelivery();

    @Test
    void everyDeliveryOfTheEventsBuildsTheSameReports() {
        AggregateEvents finished = new AggregateEvents("ReconcileRun", "r1");
        AggregateEvents failed = new AggregateEvents("ReconcileRun", "r2");
        List<EventMessage<?>> committed = List.of(
                finished.next(new ReconcileRunStartedEvent("r1", ReconcileTrigger.SCHEDULED, null, minute(0))),
                finished.next(finding("r1", FindingKind.ORPHAN_OBJECT, FindingOutcome.QUARANTINED, "objects/a", 1)),
                failed.next(new ReconcileRunStartedEvent("r2", ReconcileTrigger.OPERATOR, "olga", minute(1))),
                finished.next(finding("r1", FindingKind.STRAY_MULTIPART_UPLOAD, FindingOutcome.REPAIRED, "objects/b", 2)),
                failed.next(finding("r2", FindingKind.MISSING_OBJECT, FindingOutcome.REPORTED, "objects/c", 2)),
                finished.next(new ReconcileRunFinishedEvent("r1", new ReconcileCounts(10, 2, 9, 3), 2, minute(3))),
                failed.next(new ReconcileRunFailedEvent("r2", "storage unreachable", minute(4))));

        redelivery.assertSameReadModel(database -> new ReconcileReportProjection(ReadModelCollections.of(database)),
                committed);

        ReconcileReportProjection reports = new ReconcileReportProjection(
                ReadModelCollections.of(redelivery.deliver(
                        database -> new ReconcileReportProjection(ReadModelCollections.of(database)), committed)));
        ReconcileRunView r1 = reports.handle(new FindReconcileRunQuery("r1", 10)).orElseThrow();
        assertThat(r1.status()).isEqualTo(ReconcileRunStatus.FINISHED);
        assertThat(r1.findings()).extracting(ReconcileFinding::kind)
                .containsExactly(FindingKind.ORPHAN_OBJECT, FindingKind.STRAY_MULTIPART_UPLOAD);
        assertThat(r1.findingCounts())
                .isEqualTo(Map.of(FindingKind.ORPHAN_OBJECT, 1L, FindingKind.STRAY_MULTIPART_UPLOAD, 1L));
        ReconcileRunView r2 = reports.handle(new FindReconcileRunQuery("r2", 10)).orElseThrow();
        assertThat(r2.status()).isEqualTo(ReconcileRunStatus.FAILED);
        assertThat(r2.findingCounts()).isEqualTo(Map.of(FindingKind.MISSING_OBJECT, 1L));
    }

    private static ReconcileFindingRecordedEvent finding(String runId, FindingKind kind, FindingOutcome outcome,
                                                         String objectKey, int at) {
        return new ReconcileFindingRecordedEvent(runId, new ReconcileFinding(
                ReconcileFinding.idOf(kind, objectKey, null), kind, outcome, objectKey, null, null, null, "found"),
                minute(at));
    }
}
