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
                .expectResultMessagePayload(new FileRemoval("a.png", List.of("objects/f-1/u-1", "objects/f-1/u-2")));
    }

    @Test
    void deletingTwiceChangesNothing() {
        fixture.given(versioned(1, "u-1"), new FileDeletedEvent("f-1", "alice", 1, List.of("objects/f-1/u-1"), T0))
                .when(new DeleteFileCommand("f-1", "alice", T0))
                .expectNoEvents()
                .expectResultMessagePayload(new FileRemoval("a.png", List.of()));
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

    private static FileVersionAvailableEvent available(long version, String uploadId) {
        return new FileVersionAvailableEvent("f-1", version, "objects/f-1/" + uploadId, false, T0);
    }

    private static final String SECRET_HASH = ShareTokens.hash(new byte[ShareTokens.SECRET_BYTES]);
    private static final Instant LATER = T0.plusSeconds(3600);

    @Test
    void restoringAnAvailableVersionMakesANewVersionOnTheSameObject() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), versioned(2, "u-2"), available(2, "u-2"))
                .when(new RestoreFileVersionCommand("f-1", "alice", 1, T0))
                .expectEvents(new FileVersionRestoredEvent("f-1", 3, 1, "alice", "a.png", "image/png", 10, null,
                        StorageClass.STANDARD, Visibility.PRIVATE, "objects/f-1/u-1", null, T0))
                .expectResultMessagePayload(3L);
    }

    @Test
    void aFailedOrInfectedVersionCannotBeRestored() {
        fixture.given(versioned(1, "u-1"), new FileVersionFailedEvent("f-1", 1, "objects/f-1/u-1", "size", T0),
                        versioned(2, "u-2"), available(2, "u-2"))
                .when(new RestoreFileVersionCommand("f-1", "alice", 1, T0))
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.VERSION_NOT_AVAILABLE))
                .expectNoEvents();
        fixture.given(versioned(1, "u-1"), new FileInfectedEvent("f-1", 1, "objects/f-1/u-1", "Eicar", null, T0),
                        versioned(2, "u-2"), available(2, "u-2"))
                .when(new RestoreFileVersionCommand("f-1", "alice", 1, T0))
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.FILE_INFECTED))
                .expectNoEvents();
    }

    @Test
    void theOnlyRemainingVersionCannotBeDeleted() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), versioned(2, "u-2"), available(2, "u-2"),
                        new FileVersionDeletedEvent("f-1", 2, "alice", "objects/f-1/u-2", T0))
                .when(new DeleteFileVersionCommand("f-1", "alice", 1, T0))
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.LAST_VERSION))
                .expectNoEvents();
    }

    @Test
    void anObjectARestoredVersionSharesIsReleasedWithItsLastVersion() {
        var restored = new FileVersionRestoredEvent("f-1", 3, 1, "alice", "a.png", "image/png", 10, null,
                StorageClass.STANDARD, Visibility.PRIVATE, "objects/f-1/u-1", null, T0);
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), versioned(2, "u-2"), available(2, "u-2"), restored)
                .when(new DeleteFileVersionCommand("f-1", "alice", 1, T0))
                .expectEvents(new FileVersionDeletedEvent("f-1", 1, "alice", null, T0));
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), versioned(2, "u-2"), available(2, "u-2"), restored,
                        new FileVersionDeletedEvent("f-1", 1, "alice", null, T0))
                .when(new DeleteFileVersionCommand("f-1", "alice", 3, T0))
                .expectEvents(new FileVersionDeletedEvent("f-1", 3, "alice", "objects/f-1/u-1", T0));
    }

    @Test
    void deletingAFileListsASharedObjectOnce() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"),
                        new FileVersionRestoredEvent("f-1", 2, 1, "alice", "a.png", "image/png", 10, null,
                                StorageClass.STANDARD, Visibility.PRIVATE, "objects/f-1/u-1", null, T0))
                .when(new DeleteFileCommand("f-1", "alice", T0))
                .expectEvents(new FileDeletedEvent("f-1", "alice", 2, List.of("objects/f-1/u-1"), T0));
    }

    @Test
    void sameTagsOrVisibilityOrNameChangeNothing() {
        fixture.given(versioned(1, "u-1"), new FileTagsChangedEvent("f-1", "alice", List.of("a"), T0))
                .when(new SetFileTagsCommand("f-1", "alice", List.of("a"), T0))
                .expectNoEvents();
        fixture.given(versioned(1, "u-1"))
                .when(new ChangeFileVisibilityCommand("f-1", "alice", Visibility.PRIVATE, T0))
                .expectNoEvents();
        fixture.given(versioned(1, "u-1"))
                .when(new RenameFileCommand("f-1", "alice", "a.png", T0))
                .expectNoEvents()
                .expectResultMessagePayload("a.png");
    }

    @Test
    void onlyTheOwnerRenames() {
        fixture.given(versioned(1, "u-1"))
                .when(new RenameFileCommand("f-1", "mallory", "b.png", T0))
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.FILE_NOT_FOUND))
                .expectNoEvents();
    }

    private static FileSharedEvent shared(Integer maxDownloads) {
        return new FileSharedEvent("f-1", "s-1", "alice", SECRET_HASH, LATER, maxDownloads, null, T0);
    }

    @Test
    void aShareUseIsCountedUntilItsDownloadsAreUsedUp() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), shared(1))
                .when(new DownloadSharedFileCommand("f-1", "s-1", SECRET_HASH, T0))
                .expectEvents(new FileShareUsedEvent("f-1", "s-1", 1, T0));
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), shared(1),
                        new FileShareUsedEvent("f-1", "s-1", 1, T0))
                .when(new DownloadSharedFileCommand("f-1", "s-1", SECRET_HASH, T0))
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.SHARE_EXHAUSTED))
                .expectNoEvents();
    }

    @Test
    void aShareDownloadRecordedBeforeShareUsesExistedStillCounts() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), shared(1),
                        new FileDownloadedEvent("f-1", 1, null, "10.0.0.1", T0, "s-1"))
                .when(new DownloadSharedFileCommand("f-1", "s-1", SECRET_HASH, T0))
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.SHARE_EXHAUSTED))
                .expectNoEvents();
    }

    @Test
    void aShareRefusesAWrongSecretAndStopsWhenExpiredRevokedOrTheFileIsDeleted() {
        String wrong = ShareTokens.hash(new byte[]{1});
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), shared(null))
                .when(new DownloadSharedFileCommand("f-1", "s-1", wrong, T0))
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.SHARE_NOT_FOUND));
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), shared(null))
                .when(new DownloadSharedFileCommand("f-1", "s-1", SECRET_HASH, LATER))
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.SHARE_EXPIRED));
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), shared(null),
                        new FileShareRevokedEvent("f-1", "s-1", "alice", T0))
                .when(new DownloadSharedFileCommand("f-1", "s-1", SECRET_HASH, T0))
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.SHARE_REVOKED));
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), shared(null),
                        new FileDeletedEvent("f-1", "alice", 1, List.of("objects/f-1/u-1"), T0))
                .when(new DownloadSharedFileCommand("f-1", "s-1", SECRET_HASH, T0))
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.SHARE_NOT_FOUND));
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), shared(null),
                        new FileInfectedEvent("f-1", 1, "objects/f-1/u-1", "Eicar", null, T0))
                .when(new DownloadSharedFileCommand("f-1", "s-1", SECRET_HASH, T0))
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.FILE_INFECTED));
    }
}
