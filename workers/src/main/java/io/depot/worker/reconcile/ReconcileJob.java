package io.depot.worker.reconcile;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.storage.ListedObject;
import io.depot.platform.storage.ObjectStorage;
import io.depot.platform.storage.PendingUpload;
import io.depot.reconcile.FailReconcileRunCommand;
import io.depot.reconcile.FindingKind;
import io.depot.reconcile.FindingOutcome;
import io.depot.reconcile.FinishReconcileRunCommand;
import io.depot.reconcile.ListObjectRecordsQuery;
import io.depot.reconcile.ObjectRecord;
import io.depot.reconcile.ObjectRecordPage;
import io.depot.reconcile.ObjectState;
import io.depot.reconcile.ReconcileCounts;
import io.depot.reconcile.ReconcileFinding;
import io.depot.reconcile.RecordReconcileFindingCommand;
import io.depot.reconcile.SampleAvailableObjectsQuery;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * One reconcile run: walks the bucket's {@code objects/} listing and the object records side by side in key
 * order, looks at every unfinished multipart upload, and hashes a sample of available objects again. A
 * disagreement is confirmed with the file or upload session itself ({@link AggregateFacts}) before it is
 * recorded as a finding; what to do about it follows from the finding's event ({@link ReconcileRepairs}), never
 * from here. Memory stays flat whatever the bucket's size: one page of keys and one of records at a time.
 */
@Component
class ReconcileJob {

    private static final Logger log = LoggerFactory.getLogger(ReconcileJob.class);
    private static final Duration STORAGE_TIMEOUT = Duration.ofMinutes(5);

    private final ObjectStorage storage;
    private final CommandGateway commands;
    private final QueryGateway queries;
    private final AggregateFacts facts;
    private final ReconcileProperties properties;
    private final Clock clock;

    ReconcileJob(ObjectStorage storage, CommandGateway commands, QueryGateway queries, AggregateFacts facts,
                 ReconcileProperties properties, Clock clock) {
        this.storage = storage;
        this.commands = commands;
        this.queries = queries;
        this.facts = facts;
        this.properties = properties;
        this.clock = clock;
    }

    void run(String runId) {
        Instant cutoff = clock.instant().minus(properties.grace());
        Run run = new Run(runId, cutoff);
        log.info("reconcile run {} started", runId);
        try {
            compareObjects(run);
            compareMultipartUploads(run);
            sampleChecksums(run);
            commands.sendAndWait(new FinishReconcileRunCommand(runId, run.counts(), clock.instant()));
            log.info("reconcile run {} finished: {} findings, {}", runId, run.findings, run.counts());
        } catch (DepotException e) {
            if (e.code() == ErrorCode.RECONCILE_RUN_ENDED) {
                log.info("reconcile run {} had already ended", runId);
                return;
            }
            fail(run, e);
        } catch (RuntimeException e) {
            fail(run, e);
        }
    }

    private void fail(Run run, RuntimeException e) {
        log.warn("reconcile run {} failed", run.runId, e);
        String reason = e instanceof DepotException d ? d.getMessage() : "internal error: " + e.getClass().getSimpleName();
        commands.sendAndWait(new FailReconcileRunCommand(run.runId, reason, clock.instant()));
    }

    private void compareObjects(Run run) {
        Iterator<ListedObject> objects = storage.listObjects(AggregateFacts.OBJECT_PREFIX, null)
                .toIterable(properties.pageSize()).iterator();
        Records records = new Records();
        ListedObject object = next(objects, run);
        ObjectRecord record = records.next(run);
        while (object != null || record != null) {
            int order = object == null ? 1 : record == null ? -1 : object.key().compareTo(record.objectKey());
            if (order < 0) {
                checkObject(run, object, null);
                object = next(objects, run);
            } else if (order > 0) {
                checkRecord(run, record);
                record = records.next(run);
            } else {
                checkObject(run, object, record);
                object = next(objects, run);
                record = records.next(run);
            }
        }
    }

    /** The next object, passing over folder markers (keys ending in '/'), which Depot never writes. */
    private static ListedObject next(Iterator<ListedObject> objects, Run run) {
        while (objects.hasNext()) {
            ListedObject object = objects.next();
            if (!object.key().endsWith("/")) {
                run.objects++;
                return object;
            }
        }
        return null;
    }

    /** An object in storage: orphaned unless a file version or a live upload holds it. */
    private void checkObject(Run run, ListedObject object, ObjectRecord record) {
        if (record != null && (record.state().held() || record.state() == ObjectState.UPLOADING)) {
            return;
        }
        if (object.lastModified().isAfter(run.cutoff) || facts.holdingVersion(object.key()).isPresent()
                || facts.session(object.key(), null) == AggregateFacts.Session.OPEN) {
            return;
        }
        Optional<String[]> ids = AggregateFacts.parse(object.key());
        String why = record == null ? "no upload or file version recorded it"
                : "its " + (record.state() == ObjectState.RELEASED ? "upload ended without a file"
                : record.state() == ObjectState.FAILED ? "file version failed" : "file was deleted");
        record(run, FindingKind.ORPHAN_OBJECT, properties.repair() ? FindingOutcome.QUARANTINED : FindingOutcome.REPORTED,
                object.key(), null, ids.map(i -> i[0]).orElse(null), null,
                "object of " + object.size() + " bytes that nothing holds: " + why);
    }

    /** A record with no object: only a problem when a version holds it. */
    private void checkRecord(Run run, ObjectRecord record) {
        if (!record.state().held() || record.updatedAt() == null || record.updatedAt().isAfter(run.cutoff)) {
            return;
        }
        Optional<Long> version = facts.holdingVersion(record.objectKey());
        if (version.isEmpty() || storage.head(record.objectKey()).block(STORAGE_TIMEOUT).isPresent()) {
            return;
        }
        record(run, FindingKind.MISSING_OBJECT, properties.repair() ? FindingOutcome.REPAIRED : FindingOutcome.REPORTED,
                record.objectKey(), null, record.fileId(), version.get(),
                "version " + version.get() + " is recorded but storage does not hold its object");
    }

    private void compareMultipartUploads(Run run) {
        for (PendingUpload upload : storage.listPendingUploads().toIterable(properties.pageSize())) {
            run.multipartUploads++;
            // A session records its multipart upload just after storage creates it: a young upload with no session
            // yet may be one being initiated. One whose session ended is stray whatever its age.
            AggregateFacts.Session session = facts.session(upload.key(), upload.storageUploadId());
            boolean young = upload.initiated() == null || upload.initiated().isAfter(run.cutoff);
            if (session == AggregateFacts.Session.OPEN || session == AggregateFacts.Session.NONE && young) {
                continue;
            }
            record(run, FindingKind.STRAY_MULTIPART_UPLOAD,
                    properties.repair() ? FindingOutcome.REPAIRED : FindingOutcome.REPORTED, upload.key(),
                    upload.storageUploadId(), AggregateFacts.parse(upload.key()).map(i -> i[0]).orElse(null), null,
                    "unfinished multipart upload that no open upload session holds");
        }
    }

    private void sampleChecksums(Run run) {
        if (properties.sampleSize() <= 0) {
            return;
        }
        ObjectRecordPage sample = queries.query(new SampleAvailableObjectsQuery(properties.sampleSize()),
                ObjectRecordPage.class).join();
        for (ObjectRecord record : sample.items()) {
            if (storage.head(record.objectKey()).block(STORAGE_TIMEOUT).isEmpty()) {
                continue; // a missing object is the listing's finding, not the sample's
            }
            run.sampled++;
            String actual = storage.sha256(record.objectKey()).block(STORAGE_TIMEOUT);
            if (record.sha256().equalsIgnoreCase(actual)) {
                continue;
            }
            Optional<Long> version = facts.holdingVersion(record.objectKey());
            if (version.isEmpty()) {
                continue;
            }
            record(run, FindingKind.CHECKSUM_MISMATCH,
                    properties.repair() ? FindingOutcome.QUARANTINED : FindingOutcome.REPORTED, record.objectKey(),
                    null, record.fileId(), version.get(),
                    "stored bytes hash to " + actual + ", version " + version.get() + " recorded " + record.sha256());
        }
    }

    private void record(Run run, FindingKind kind, FindingOutcome outcome, String objectKey, String storageUploadId,
                        String fileId, Long version, String detail) {
        ReconcileFinding finding = new ReconcileFinding(ReconcileFinding.idOf(kind, objectKey, storageUploadId), kind,
                outcome, objectKey, storageUploadId, fileId, version, detail);
        Boolean recorded = commands.sendAndWait(new RecordReconcileFindingCommand(run.runId, finding, clock.instant()));
        if (Boolean.TRUE.equals(recorded)) {
            run.findings++;
            log.info("reconcile run {}: {} {} -> {}", run.runId, kind, objectKey, outcome);
        }
    }

    /** Pages through the object records in key order. */
    private class Records {
        private Iterator<ObjectRecord> page = List.<ObjectRecord>of().iterator();
        private String lastKey;
        private boolean exhausted;

        ObjectRecord next(Run run) {
            if (!page.hasNext() && !exhausted) {
                List<ObjectRecord> items = queries.query(new ListObjectRecordsQuery(lastKey, properties.pageSize()),
                        ObjectRecordPage.class).join().items();
                exhausted = items.size() < properties.pageSize();
                page = items.iterator();
            }
            if (!page.hasNext()) {
                return null;
            }
            ObjectRecord record = page.next();
            lastKey = record.objectKey();
            run.records++;
            return record;
        }
    }

    private static final class Run {
        final String runId;
        final Instant cutoff;
        long objects;
        long multipartUploads;
        long records;
        long sampled;
        int findings;

        Run(String runId, Instant cutoff) {
            this.runId = runId;
            this.cutoff = cutoff;
        }

        ReconcileCounts counts() {
            return new ReconcileCounts(objects, multipartUploads, records, sampled);
        }
    }
}
