package io.depot.projection.reconcile;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.projection.Pages;
import io.depot.reconcile.FindReconcileRunQuery;
import io.depot.reconcile.FindingKind;
import io.depot.reconcile.FindingOutcome;
import io.depot.reconcile.ListReconcileRunsQuery;
import io.depot.reconcile.ReconcileCounts;
import io.depot.reconcile.ReconcileFinding;
import io.depot.reconcile.ReconcileFindingRecordedEvent;
import io.depot.reconcile.ReconcileRunFailedEvent;
import io.depot.reconcile.ReconcileRunFinishedEvent;
import io.depot.reconcile.ReconcileRunPage;
import io.depot.reconcile.ReconcileRunStartedEvent;
import io.depot.reconcile.ReconcileRunStatus;
import io.depot.reconcile.ReconcileRunView;
import io.depot.reconcile.ReconcileTrigger;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reconcile reports: {@code reconcile_runs} holds one document per run with its counts, {@code reconcile_findings}
 * one per finding, so a run with many findings stays within MongoDB's document limit. Findings are keyed by run
 * and finding id, and counts are derived from them, so a replay rebuilds the same report.
 */
@Component
@ProcessingGroup(ReconcileReportProjection.GROUP)
public class ReconcileReportProjection {

    public static final String GROUP = "reconcile-reports";

    private final MongoCollection<Document> runs;
    private final MongoCollection<Document> findings;

    public ReconcileReportProjection(ReadModelCollections collections) {
        this.runs = collections.collection(GROUP, "reconcile_runs");
        this.findings = collections.collection(GROUP, "reconcile_findings");
        runs.createIndex(Indexes.descending("started_at"));
        findings.createIndex(Indexes.ascending("run_id", "sequence"));
    }

    @EventHandler
    void on(ReconcileRunStartedEvent event) {
        runs.replaceOne(Filters.eq("_id", event.runId()), new Document("_id", event.runId())
                .append("trigger", event.trigger().name())
                .append("requested_by", event.requestedBy())
                .append("status", ReconcileRunStatus.RUNNING.name())
                .append("started_at", Date.from(event.startedAt())), new ReplaceOptions().upsert(true));
    }

    @EventHandler
    void on(ReconcileFindingRecordedEvent event, @SequenceNumber long sequence) {
        ReconcileFinding f = event.finding();
        findings.replaceOne(Filters.eq("_id", event.runId() + "/" + f.findingId()), new Document("_id", event.runId() + "/" + f.findingId())
                .append("run_id", event.runId())
                .append("sequence", sequence)
                .append("finding_id", f.findingId())
                .append("kind", f.kind().name())
                .append("outcome", f.outcome().name())
                .append("object_key", f.objectKey())
                .append("storage_upload_id", f.storageUploadId())
                .append("file_id", f.fileId())
                .append("version", f.version())
                .append("detail", f.detail())
                .append("at", Date.from(event.at())), new ReplaceOptions().upsert(true));
    }

    @EventHandler
    void on(ReconcileRunFinishedEvent event) {
        ReconcileCounts c = event.checked();
        runs.updateOne(Filters.eq("_id", event.runId()), Updates.combine(
                Updates.set("status", ReconcileRunStatus.FINISHED.name()),
                Updates.set("ended_at", Date.from(event.at())),
                Updates.set("checked", new Document("objects", c.objects())
                        .append("multipart_uploads", c.multipartUploads())
                        .append("records", c.records())
                        .append("sampled", c.sampled()))));
    }

    @EventHandler
    void on(ReconcileRunFailedEvent event) {
        runs.updateOne(Filters.eq("_id", event.runId()), Updates.combine(
                Updates.set("status", ReconcileRunStatus.FAILED.name()),
                Updates.set("ended_at", Date.from(event.at())),
                Updates.set("failure_reason", event.reason())));
    }

    @ResetHandler
    void reset() {
        runs.deleteMany(new Document());
        findings.deleteMany(new Document());
    }

    @QueryHandler
    public Optional<ReconcileRunView> handle(FindReconcileRunQuery query) {
        Document run = runs.find(Filters.eq("_id", query.runId())).first();
        if (run == null) {
            return Optional.empty();
        }
        Map<FindingKind, Long> counts = new EnumMap<>(FindingKind.class);
        List<ReconcileFinding> listed = new ArrayList<>();
        for (Document d : findings.find(Filters.eq("run_id", query.runId())).sort(Sorts.ascending("sequence"))) {
            FindingKind kind = FindingKind.valueOf(d.getString("kind"));
            counts.merge(kind, 1L, Long::sum);
            if (listed.size() < query.findingsLimit()) {
                listed.add(new ReconcileFinding(d.getString("finding_id"), kind,
                        FindingOutcome.valueOf(d.getString("outcome")), d.getString("object_key"),
                        d.getString("storage_upload_id"), d.getString("file_id"), d.getLong("version"),
                        d.getString("detail")));
            }
        }
        return Optional.of(view(run, counts, listed));
    }

    @QueryHandler
    public ReconcileRunPage handle(ListReconcileRunsQuery query) {
        var slice = Pages.read(runs.find().sort(Sorts.orderBy(Sorts.descending("started_at"), Sorts.descending("_id"))),
                query.page(), query.size(), d -> view(d, null, List.of()));
        return new ReconcileRunPage(slice.items(), query.page(), query.size(), slice.nextPage());
    }

    private static ReconcileRunView view(Document run, Map<FindingKind, Long> counts, List<ReconcileFinding> listed) {
        Document checked = run.get("checked", Document.class);
        Date ended = run.getDate("ended_at");
        return new ReconcileRunView(run.getString("_id"), ReconcileTrigger.valueOf(run.getString("trigger")),
                run.getString("requested_by"), ReconcileRunStatus.valueOf(run.getString("status")),
                run.getDate("started_at").toInstant(), ended == null ? null : ended.toInstant(),
                checked == null ? null : new ReconcileCounts(checked.getLong("objects"),
                        checked.getLong("multipart_uploads"), checked.getLong("records"), checked.getLong("sampled")),
                run.getString("failure_reason"), counts, listed);
    }
}
