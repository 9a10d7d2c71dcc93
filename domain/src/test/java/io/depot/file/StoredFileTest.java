package io.depot.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.matchers.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StoredFileTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private AggregateTestFixture<StoredFile> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(StoredFile.class);
    }

    private static RecordFileVersionCommand record(String uploadId) {
        return new RecordFileVersionCommand("f-1", uploadId, "alice", "a.png", "image/png", 10, null,
                StorageClass.STANDARD, Visibility.PRIVATE, "objects/f-1/" + uploadId, T0);
    }

    private static FileVersionedEvent versioned(long version, String uploadId) {
        return new FileVersionedEvent("f-1", version, uploadId, "alice", "a.png", "image/png", 10, null,
                StorageClass.STANDARD, Visibility.PRIVATE, "objects/f-1/" + uploadId, T0);
    }

    @Test
    void theFirstUploadCreatesVersionOne() {
        fixture.givenNoPriorActivity()
                .when(record("u-1"))
                .expectEvents(versioned(1, "u-1"))
                .expectResultMessagePayload(1L);
    }

    @Test
    void aLaterUploadAddsTheNextVersion() {
        fixture.given(versioned(1, "u-1"))
                .when(record("u-2"))
                .expectEvents(versioned(2, "u-2"))
                .expectResultMessagePayload(2L);
    }

    @Test
    void recordingTheSameUploadTwiceReturnsItsVersion() {
        fixture.given(versioned(1, "u-1"), versioned(2, "u-2"))
                .when(record("u-1"))
                .expectNoEvents()
                .expectResultMessagePayload(1L);
    }

    @Test
    void ownerCanDeleteAndEveryObjectIsListed() {
        fixture.given(versioned(1, "u-1"), versioned(2, "u-2"))
                .when(new DeleteFileCommand("f-1", "alice", T0))
                .expectEvents(new FileDeletedEvent("f-1", "alice", 2, List.of("objects/f-1/u-1", "objects/f-1/u-2"), T0))
                .expectResultMessagePayload(List.of("objects/f-1/u-1", "objects/f-1/u-2"));
    }

    @Test
    void deletingTwiceChangesNothing() {
        fixture.given(versioned(1, "u-1"), new FileDeletedEvent("f-1", "alice", 1, List.of("objects/f-1/u-1"), T0))
                .when(new DeleteFileCommand("f-1", "alice", T0))
                .expectNoEvents()
                .expectResultMessagePayload(List.of());
    }

    @Test
    void anotherUserCannotDelete() {
        fixture.given(versioned(1, "u-1"))
                .when(new DeleteFileCommand("f-1", "mallory", T0))
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.FILE_NOT_FOUND))
                .expectNoEvents();
    }

    @Test
    void aVerifiedVersionBecomesAvailable() {
        fixture.given(versioned(1, "u-1"), new FileVersionVerifiedEvent("f-1", 1, "abc"))
                .when(new MarkVersionAvailableCommand("f-1", 1, false, T0))
                .expectEvents(new FileVersionAvailableEvent("f-1", 1, "objects/f-1/u-1", false, T0));
    }

    @Test
    void verifyingAndRequestingAScanTwiceChangeNothing() {
        fixture.given(versioned(1, "u-1"), new FileVersionVerifiedEvent("f-1", 1, "abc"),
                        new FileScanRequestedEvent("f-1", 1, "objects/f-1/u-1"))
                .when(new RecordVersionVerifiedCommand("f-1", 1, "abc"))
                .expectNoEvents();
        fixture.given(versioned(1, "u-1"), new FileScanRequestedEvent("f-1", 1, "objects/f-1/u-1"))
                .when(new RequestFileScanCommand("f-1", 1))
                .expectNoEvents();
    }

    @Test
    void aFailedVersionCannotBecomeAvailable() {
        fixture.given(versioned(1, "u-1"), new FileVersionFailedEvent("f-1", 1, "objects/f-1/u-1", "missing", T0))
                .when(new MarkVersionAvailableCommand("f-1", 1, false, T0))
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.FILE_VERSION_FAILED))
                .expectNoEvents();
    }

    @Test
    void aFailedVersionsObjectIsNotDeletedAgainWithTheFile() {
        fixture.given(versioned(1, "u-1"), versioned(2, "u-2"),
                        new FileVersionFailedEvent("f-1", 2, "objects/f-1/u-2", "missing", T0))
                .when(new DeleteFileCommand("f-1", "alice", T0))
                .expectEvents(new FileDeletedEvent("f-1", "alice", 2, List.of("objects/f-1/u-1"), T0));
    }

    @Test
    void anUnknownVersionIsRefused() {
        fixture.given(versioned(1, "u-1"))
                .when(new MarkVersionAvailableCommand("f-1", 7, false, T0))
                .expectException(DepotException.class)
                .expectNoEvents();
    }

    @Test
    void aDeletedFileComesBackWithItsNextUpload() {
        fixture.given(versioned(1, "u-1"), new FileDeletedEvent("f-1", "alice", 1, List.of("objects/f-1/u-1"), T0))
                .when(record("u-2"))
                .expectEvents(versioned(2, "u-2"));
    }

    @Test
    void aCleanScanIsRecordedOnce() {
        var scanned = new FileScannedEvent("f-1", 1, "ClamAV 1.0.9", "27500", T0);
        fixture.given(versioned(1, "u-1"), new FileScanRequestedEvent("f-1", 1, "objects/f-1/u-1"))
                .when(new RecordFileScannedCommand("f-1", 1, "ClamAV 1.0.9", "27500", T0))
                .expectEvents(scanned);
        fixture.given(versioned(1, "u-1"), scanned)
                .when(new RecordFileScannedCommand("f-1", 1, "ClamAV 1.0.9", "27500", T0))
                .expectNoEvents();
    }

    @Test
    void anInfectedVersionCannotBecomeAvailable() {
        var infected = new FileInfectedEvent("f-1", 1, "objects/f-1/u-1", "Eicar-Test-Signature",
                "quarantine/objects/f-1/u-1", T0);
        fixture.given(versioned(1, "u-1"))
                .when(new RecordFileInfectedCommand("f-1", 1, "Eicar-Test-Signature", "quarantine/objects/f-1/u-1", T0))
                .expectEvents(infected);
        fixture.given(versioned(1, "u-1"), infected)
                .when(new MarkVersionAvailableCommand("f-1", 1, true, T0))
                .expectNoEvents()
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.FILE_INFECTED));
    }

    @Test
    void malwareFoundLaterOutranksACleanVerdict() {
        fixture.given(versioned(1, "u-1"), new FileScannedEvent("f-1", 1, "ClamAV", "1", T0))
                .when(new RecordFileInfectedCommand("f-1", 1, "Depot.Test.Marker", null, T0))
                .expectEvents(new FileInfectedEvent("f-1", 1, "objects/f-1/u-1", "Depot.Test.Marker", null, T0));
    }

    @Test
    void anInfectedVersionsObjectIsNotListedForDeletion() {
        fixture.given(versioned(1, "u-1"), versioned(2, "u-2"),
                        new FileInfectedEvent("f-1", 2, "objects/f-1/u-2", "Eicar-Test-Signature", null, T0))
                .when(new DeleteFileCommand("f-1", "alice", T0))
                .expectEvents(new FileDeletedEvent("f-1", "alice", 2, List.of("objects/f-1/u-1"), T0));
    }

    @Test
    void aSkippedScanIsRecordedOnceAndNotAfterAVerdict() {
        fixture.given(versioned(1, "u-1"))
                .when(new SkipFileScanCommand("f-1", 1, "too large", T0))
                .expectEvents(new FileScanSkippedEvent("f-1", 1, "too large", T0));
        fixture.given(versioned(1, "u-1"), new FileScannedEvent("f-1", 1, "ClamAV", "1", T0))
                .when(new SkipFileScanCommand("f-1", 1, "too large", T0))
                .expectNoEvents();
    }

    @Test
    void aVersionHoldsItsObjectUntilItFails() {
        StoredFile file = new StoredFile();
        file.on(versioned(1, "u-1"));
        file.on(versioned(2, "u-2"));
        assertThat(file.versionHolding("objects/f-1/u-2")).contains(2L);
        assertThat(file.versionHolding("objects/f-1/u-3")).isEmpty();
        file.on(new FileVersionFailedEvent("f-1", 2, "objects/f-1/u-2", "missing", T0));
        assertThat(file.versionHolding("objects/f-1/u-2")).isEmpty();
        assertThat(file.versionHolding("objects/f-1/u-1")).contains(1L);
    }

    @Test
    void anInfectedVersionNoLongerHoldsItsObject() {
        StoredFile file = new StoredFile();
        file.on(versioned(1, "u-1"));
        file.on(new FileInfectedEvent("f-1", 1, "objects/f-1/u-1", "Eicar-Test-Signature", null, T0));
        assertThat(file.versionHolding("objects/f-1/u-1")).isEmpty();
    }

    @Test
    void aDeletedFileHoldsNoObjectUntilItsNextUpload() {
        StoredFile file = new StoredFile();
        file.on(versioned(1, "u-1"));
        file.on(new FileDeletedEvent("f-1", "alice", 1, List.of("objects/f-1/u-1"), T0));
        assertThat(file.versionHolding("objects/f-1/u-1")).isEmpty();
        file.on(versioned(2, "u-2"));
        assertThat(file.versionHolding("objects/f-1/u-2")).contains(2L);
        assertThat(file.versionHolding("objects/f-1/u-1")).isEmpty();
    }
}
