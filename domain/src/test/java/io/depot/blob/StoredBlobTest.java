package io.depot.blob;

import io.depot.error.DepotException;
import io.depot.file.StorageClass;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

class StoredBlobTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String SHA = "ab".repeat(32);
    private static final String BLOB = BlobIds.of(StorageClass.STANDARD, SHA);

    private AggregateTestFixture<StoredBlob> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(StoredBlob.class);
    }

    private static ReferenceBlobCommand reference(String ref, String candidate) {
        return new ReferenceBlobCommand(BLOB, ref, candidate, SHA, 10, StorageClass.STANDARD, T0);
    }

    private static BlobReferencedEvent referenced(String ref, String key, String duplicate, int references) {
        return new BlobReferencedEvent(BLOB, ref, key, duplicate, SHA, 10, StorageClass.STANDARD, references, T0);
    }

    private static BlobReleasedEvent released(String ref, List<String> deleted, int references) {
        return new BlobReleasedEvent(BLOB, ref, deleted, references, T0);
    }

    @Test
    void theFirstReferenceMakesItsUploadsObjectTheBlobs() {
        fixture.givenNoPriorActivity()
                .when(reference("f1:1", "objects/f1/u1"))
                .expectEvents(referenced("f1:1", "objects/f1/u1", null, 1))
                .expectResultMessagePayload("objects/f1/u1");
    }

    @Test
    void aLaterReferenceUsesTheBlobsObjectAndItsOwnCopyGoes() {
        fixture.given(referenced("f1:1", "objects/f1/u1", null, 1))
                .when(reference("f2:1", "objects/f2/u9"))
                .expectEvents(referenced("f2:1", "objects/f1/u1", "objects/f2/u9", 2))
                .expectResultMessagePayload("objects/f1/u1");
    }

    @Test
    void referencingTwiceAnswersTheSameAndRecordsNothing() {
        fixture.given(referenced("f1:1", "objects/f1/u1", null, 1), referenced("f2:1", "objects/f1/u1", "objects/f2/u9", 2))
                .when(reference("f2:1", "objects/f2/u9"))
                .expectNoEvents()
                .expectResultMessagePayload("objects/f1/u1");
    }

    @Test
    void theObjectStaysWhileAnotherReferenceHoldsIt() {
        fixture.given(referenced("f1:1", "objects/f1/u1", null, 1), referenced("f2:1", "objects/f1/u1", "objects/f2/u9", 2))
                .when(new ReleaseBlobCommand(BLOB, "f1:1", "objects/f1/u1", T0))
                .expectEvents(released("f1:1", List.of(), 1));
    }

    @Test
    void theLastReleaseDeletesTheObject() {
        fixture.given(referenced("f1:1", "objects/f1/u1", null, 1), referenced("f2:1", "objects/f1/u1", "objects/f2/u9", 2),
                        released("f1:1", List.of(), 1))
                .when(new ReleaseBlobCommand(BLOB, "f2:1", "objects/f1/u1", T0))
                .expectEvents(released("f2:1", List.of("objects/f1/u1"), 0));
    }

    @Test
    void releasingTwiceChangesNothing() {
        fixture.given(referenced("f1:1", "objects/f1/u1", null, 1), released("f1:1", List.of("objects/f1/u1"), 0))
                .when(new ReleaseBlobCommand(BLOB, "f1:1", "objects/f1/u1", T0))
                .expectNoEvents();
    }

    /** A delete racing a new reference: once the count reached zero, the next reference brings its own object. */
    @Test
    void aReferenceAfterTheLastReleaseMakesItsOwnObjectTheBlobs() {
        fixture.given(referenced("f1:1", "objects/f1/u1", null, 1), released("f1:1", List.of("objects/f1/u1"), 0))
                .when(reference("f3:1", "objects/f3/u3"))
                .expectEvents(referenced("f3:1", "objects/f3/u3", null, 1))
                .expectResultMessagePayload("objects/f3/u3");
    }

    /**
     * A file deleted while its version was being deduplicated releases the reference before it arrives: the upload's
     * own object goes, and the late reference is refused, so it can never hold content no file knows of.
     */
    @Test
    void aReleaseBeforeItsReferenceDeletesTheUploadsObjectAndRefusesTheReference() {
        fixture.given(referenced("f1:1", "objects/f1/u1", null, 1))
                .when(new ReleaseBlobCommand(BLOB, "f2:1", "objects/f2/u9", T0))
                .expectEvents(released("f2:1", List.of("objects/f2/u9"), 1));
        fixture.given(referenced("f1:1", "objects/f1/u1", null, 1), released("f2:1", List.of("objects/f2/u9"), 1))
                .when(reference("f2:1", "objects/f2/u9"))
                .expectException(DepotException.class)
                .expectNoEvents();
    }

    /** The file let go after the blob answered but before it recorded the answer: its upload's copy goes too. */
    @Test
    void aReleaseNamingTheUploadsOwnCopyDeletesIt() {
        fixture.given(referenced("f1:1", "objects/f1/u1", null, 1), referenced("f2:1", "objects/f1/u1", "objects/f2/u9", 2))
                .when(new ReleaseBlobCommand(BLOB, "f2:1", "objects/f2/u9", T0))
                .expectEvents(released("f2:1", List.of("objects/f2/u9"), 1));
    }
}
