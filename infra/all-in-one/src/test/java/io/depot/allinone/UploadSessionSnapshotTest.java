package io.depot.allinone;

import io.depot.file.FileIds;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import io.depot.upload.InitiateUploadCommand;
import io.depot.upload.RecordPartCommand;
import io.depot.upload.UploadPlan;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An upload of 10,000 parts is 10,000 PartUploaded events, yet recording the last part must cost about what
 * the first did: loading the session reads its latest snapshot and the few events after it.
 */
class UploadSessionSnapshotTest extends EndToEndTest {

    @Autowired
    CommandGateway commands;

    @Test
    void recordingTheLastOfTenThousandPartsLoadsASnapshotAndAFewEvents() {
        UploadPlan plan = UploadPlan.of(UploadPlan.MAX_PARTS * 5L * MIB, 5L * MIB);
        assertThat(plan.partCount()).isEqualTo(UploadPlan.MAX_PARTS);
        String uploadId = UUID.randomUUID().toString();
        String fileId = FileIds.of("alice", uploadId);
        Instant now = Instant.now();
        commands.sendAndWait(new InitiateUploadCommand(uploadId, fileId, "alice", "huge.bin",
                "application/octet-stream", plan, StorageClass.STANDARD, Visibility.PRIVATE, null,
                "objects/" + fileId + "/" + uploadId, "mpu", now, now.plusSeconds(3600)));
        assertThat(eventsReadToLoad(uploadId)).isEqualTo(1);

        for (int part = 1; part <= plan.partCount(); part++) {
            commands.sendAndWait(new RecordPartCommand(uploadId, "alice", part, "etag-" + part,
                    plan.partLength(part), now));
        }

        assertThat(eventTypes(uploadId)).hasSize(1 + UploadPlan.MAX_PARTS);
        DomainEventStream stream = eventStore.readEvents(uploadId);
        DomainEventMessage<?> first = stream.next();
        assertThat(first.getPayloadType().getSimpleName()).isEqualTo("UploadSession");
        assertThat(first.getSequenceNumber()).isGreaterThanOrEqualTo(UploadPlan.MAX_PARTS - 100);
        assertThat(eventsReadToLoad(uploadId)).isLessThanOrEqualTo(101);

        // The commands went around the HTTP API, which would have waited for the read model to show each part.
        String token = api.token("alice");
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/v1/uploads/" + uploadId, token).json()
                .get("parts_uploaded").size() == UploadPlan.MAX_PARTS);
        var state = api.get("/v1/uploads/" + uploadId, token).json();
        assertThat(state.get("parts_uploaded")).hasSize(UploadPlan.MAX_PARTS);
        assertThat(state.get("missing_parts")).isEmpty();
        assertThat(state.get("bytes_uploaded").asLong()).isEqualTo(plan.size());
    }

    /** How many messages (snapshot and events) loading the aggregate reads from the event store. */
    private long eventsReadToLoad(String aggregateId) {
        return eventStore.readEvents(aggregateId).asStream().count();
    }
}
