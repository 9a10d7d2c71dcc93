package io.depot.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.matchers.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.depot.file.StorageClass.GLACIER;
import static io.depot.file.StorageClass.STANDARD;
import static io.depot.file.StorageClass.STANDARD_IA;
import static org.assertj.core.api.Assertions.assertThat;

/** Storage classes of a file's versions: rules move them colder only, owners pin them, archived ones are retrieved. */
class StoredFileTiersTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant LATER = T0.plus(Duration.ofDays(100));
    private static final String KEY_1 = "objects/f-1/u-1";
    private static final String KEY_2 = "objects/f-1/u-2";

    private AggregateTestFixture<StoredFile> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(StoredFile.class);
    }

    private static FileVersionedEvent versioned(long version, String uploadId) {
        return new FileVersionedEvent("f-1", version, uploadId, "alice", "a.bin", "application/octet-stream", 10, null,
                STANDARD, Visibility.PRIVATE, "objects/f-1/" + uploadId, T0);
    }

    private static FileVersionAvailableEvent available(long version, String uploadId) {
        return new FileVersionAvailableEvent("f-1", version, "objects/f-1/" + uploadId, false, T0);
    }

    private static FileVersionStorageClassChangedEvent changed(long version, StorageClass from, StorageClass to,
                                                               String key, String released, String rule) {
        return new FileVersionStorageClassChangedEvent("f-1", version, from, to, key,
                StorageClassMove.targetKey("f-1", key, to), released, rule, rule == null ? "alice" : null, LATER);
    }

    private static ChangeStorageClassCommand byRule(long version, StorageClass to, String key) {
        return new ChangeStorageClassCommand("f-1", version, to, key, StorageClassMove.targetKey("f-1", key, to), "r",
                null, LATER);
    }

    private Object[] twoVersions() {
        return new Object[]{versioned(1, "u-1"), available(1, "u-1"), versioned(2, "u-2"), available(2, "u-2")};
    }

    private static org.hamcrest.Matcher<Throwable> refusedWith(ErrorCode code) {
        return Matchers.predicate(e -> e instanceof DepotException d && d.code() == code);
    }

    @Test
    void theTargetKeyFollowsFromTheSourceAndTheClassOnly() {
        assertThat(StorageClassMove.targetKey("f-1", KEY_1, GLACIER)).isEqualTo(KEY_1 + ".glacier");
        assertThat(StorageClassMove.targetKey("f-1", KEY_1 + ".standard_ia", GLACIER)).isEqualTo(KEY_1 + ".glacier");
        assertThat(StorageClassMove.targetKey("f-1", KEY_1 + ".glacier", STANDARD)).isEqualTo(KEY_1 + ".standard");
        // Content another file stored first is copied under this file's own prefix.
        assertThat(StorageClassMove.targetKey("f-1", "objects/f-9/u-9", GLACIER)).isEqualTo("objects/f-1/u-9.glacier");
    }

    @Test
    void aRuleMovesAVersionToAColderClassAndReleasesItsObject() {
        fixture.given(twoVersions())
                .when(new PlanStorageClassChangeCommand("f-1", 1, GLACIER, "r", null, LATER))
                .expectNoEvents()
                .expectResultMessagePayload(new StorageClassMove(KEY_1, KEY_1 + ".glacier", 10, STANDARD));
        fixture.given(twoVersions())
                .when(byRule(1, GLACIER, KEY_1))
                .expectEvents(new FileVersionStorageClassChangedEvent("f-1", 1, STANDARD, GLACIER, KEY_1,
                        KEY_1 + ".glacier", KEY_1, "r", null, LATER))
                .expectResultMessagePayload(new StorageClassChangeOutcome(true, true));
    }

    @Test
    void rulesNeverMoveAVersionBackOrTwice() {
        fixture.given(twoVersions()).andGiven(changed(1, STANDARD, GLACIER, KEY_1, KEY_1, "r"))
                .when(new PlanStorageClassChangeCommand("f-1", 1, STANDARD_IA, "r", null, LATER))
                .expectNoEvents()
                .expectResultMessagePayload(null);
        fixture.given(twoVersions()).andGiven(changed(1, STANDARD, GLACIER, KEY_1, KEY_1, "r"))
                .when(byRule(1, GLACIER, KEY_1 + ".glacier"))
                .expectNoEvents()
                .expectResultMessagePayload(new StorageClassChangeOutcome(false, true));
        // A redelivered move, whose source the version no longer holds, changes nothing either.
        fixture.given(twoVersions()).andGiven(changed(1, STANDARD, GLACIER, KEY_1, KEY_1, "r"))
                .when(byRule(1, GLACIER, KEY_1))
                .expectNoEvents()
                .expectResultMessagePayload(new StorageClassChangeOutcome(false, true));
    }

    @Test
    void onlyTheCopyAtTheKeyTheFilePlannedIsRecorded() {
        fixture.given(twoVersions())
                .when(new ChangeStorageClassCommand("f-1", 1, GLACIER, KEY_1, "objects/f-1/elsewhere", "r", null, LATER))
                .expectNoEvents()
                .expectResultMessagePayload(new StorageClassChangeOutcome(false, false));
    }

    @Test
    void aVersionThatIsNotAvailableOrIsDeletedIsNotMovedAndItsCopyIsNobodys() {
        fixture.given(versioned(1, "u-1"))
                .when(byRule(1, GLACIER, KEY_1))
                .expectNoEvents()
                .expectResultMessagePayload(new StorageClassChangeOutcome(false, false));
        fixture.given(twoVersions()).andGiven(new FileVersionDeletedEvent("f-1", 1, "alice", KEY_1, T0))
                .when(byRule(1, GLACIER, KEY_1))
                .expectNoEvents()
                .expectResultMessagePayload(new StorageClassChangeOutcome(false, false));
        fixture.given(twoVersions()).andGiven(new FileVersionFailedEvent("f-1", 1, KEY_1, "corrupt", T0))
                .when(new PlanStorageClassChangeCommand("f-1", 1, GLACIER, "r", null, LATER))
                .expectResultMessagePayload(null);
    }

    @Test
    void aRestoredVersionSharingTheObjectKeepsItUntilItMovesToo() {
        var restored = new FileVersionRestoredEvent("f-1", 3, 1, "alice", "a.bin", "application/octet-stream", 10,
                null, STANDARD, Visibility.PRIVATE, KEY_1, null, T0);
        fixture.given(twoVersions()).andGiven(restored)
                .when(byRule(1, GLACIER, KEY_1))
                .expectEvents(new FileVersionStorageClassChangedEvent("f-1", 1, STANDARD, GLACIER, KEY_1,
                        KEY_1 + ".glacier", null, "r", null, LATER));
        fixture.given(twoVersions()).andGiven(restored, changed(1, STANDARD, GLACIER, KEY_1, null, "r"))
                .when(byRule(3, STANDARD_IA, KEY_1))
                .expectEvents(new FileVersionStorageClassChangedEvent("f-1", 3, STANDARD, STANDARD_IA, KEY_1,
                        KEY_1 + ".standard_ia", KEY_1, "r", null, LATER));
    }

    @Test
    void deduplicatedContentIsCopiedUnderTheFileAndItsBlobReferenceReleased() {
        String blob = io.depot.blob.BlobIds.of(STANDARD, "abc");
        String shared = "objects/f-9/u-9";
        Object[] linked = {versioned(1, "u-1"), new FileVersionVerifiedEvent("f-1", 1, "abc"),
                new FileVersionContentLinkedEvent("f-1", 1, blob, shared, KEY_1, T0), available(1, "u-1"),
                versioned(2, "u-2"), available(2, "u-2")};
        String target = "objects/f-1/u-9.glacier";
        fixture.given(linked)
                .when(new PlanStorageClassChangeCommand("f-1", 1, GLACIER, "r", null, LATER))
                .expectResultMessagePayload(new StorageClassMove(shared, target, 10, STANDARD));
        fixture.given(linked)
                .when(new ChangeStorageClassCommand("f-1", 1, GLACIER, shared, target, "r", null, LATER))
                .expectEvents(new FileVersionStorageClassChangedEvent("f-1", 1, STANDARD, GLACIER, shared, target, null,
                        "r", null, LATER, new io.depot.blob.ContentRelease(blob, "f-1:1", shared)));
        // Moved, the version holds its copy by key: deleting it deletes the copy, and no blob reference is left.
        fixture.given(linked).andGiven(new FileVersionStorageClassChangedEvent("f-1", 1, STANDARD, GLACIER, shared,
                        target, null, "r", null, LATER, new io.depot.blob.ContentRelease(blob, "f-1:1", shared)))
                .when(new DeleteFileVersionCommand("f-1", "alice", 1, LATER))
                .expectEvents(new FileVersionDeletedEvent("f-1", 1, "alice", target, LATER, null));
    }

    @Test
    void theOwnersRequestPinsTheVersionAgainstRules() {
        fixture.given(twoVersions())
                .when(new RequestStorageClassCommand("f-1", "alice", 2, STANDARD_IA, T0))
                .expectEvents(new FileVersionStorageClassRequestedEvent("f-1", 2, STANDARD, STANDARD_IA, KEY_2,
                        "alice", T0))
                .expectResultMessagePayload(true);
        var requested = new FileVersionStorageClassRequestedEvent("f-1", 2, STANDARD, STANDARD_IA, KEY_2, "alice", T0);
        fixture.given(twoVersions()).andGiven(requested)
                .when(new RequestStorageClassCommand("f-1", "alice", 2, STANDARD_IA, T0))
                .expectNoEvents()
                .expectResultMessagePayload(true);
        fixture.given(twoVersions()).andGiven(requested)
                .when(new PlanStorageClassChangeCommand("f-1", 2, GLACIER, "r", null, LATER))
                .expectResultMessagePayload(null);
        fixture.given(twoVersions()).andGiven(requested)
                .when(new ChangeStorageClassCommand("f-1", 2, STANDARD_IA, KEY_2, KEY_2 + ".standard_ia", null,
                        "alice", LATER))
                .expectEvents(new FileVersionStorageClassChangedEvent("f-1", 2, STANDARD, STANDARD_IA, KEY_2,
                        KEY_2 + ".standard_ia", KEY_2, null, "alice", LATER));
        // Pinned where it is: no move, and the rules still pass it by.
        fixture.given(twoVersions())
                .when(new RequestStorageClassCommand("f-1", "alice", 1, STANDARD, T0))
                .expectEvents(new FileVersionStorageClassRequestedEvent("f-1", 1, STANDARD, STANDARD, KEY_1, "alice", T0))
                .expectResultMessagePayload(false);
        fixture.given(twoVersions())
                .andGiven(new FileVersionStorageClassRequestedEvent("f-1", 1, STANDARD, STANDARD, KEY_1, "alice", T0))
                .when(byRule(1, GLACIER, KEY_1))
                .expectNoEvents()
                .expectResultMessagePayload(new StorageClassChangeOutcome(false, false));
    }

    @Test
    void aLaterRequestReplacesAPendingOne() {
        fixture.given(twoVersions())
                .andGiven(new FileVersionStorageClassRequestedEvent("f-1", 2, STANDARD, GLACIER, KEY_2, "alice", T0),
                        new FileVersionStorageClassRequestedEvent("f-1", 2, STANDARD, STANDARD_IA, KEY_2, "alice", T0))
                .when(new PlanStorageClassChangeCommand("f-1", 2, GLACIER, null, "alice", T0))
                .expectResultMessagePayload(null);
    }

    @Test
    void theOwnerCannotMoveAProcessingVersionNorAnArchivedOneWithoutARetrieval() {
        fixture.given(versioned(1, "u-1"))
                .when(new RequestStorageClassCommand("f-1", "alice", 1, GLACIER, T0))
                .expectException(refusedWith(ErrorCode.VERSION_NOT_AVAILABLE))
                .expectNoEvents();
        fixture.given(twoVersions()).andGiven(changed(1, STANDARD, GLACIER, KEY_1, KEY_1, "r"))
                .when(new RequestStorageClassCommand("f-1", "alice", 1, STANDARD, LATER))
                .expectException(refusedWith(ErrorCode.VERSION_ARCHIVED))
                .expectNoEvents();
        fixture.given(twoVersions())
                .when(new RequestStorageClassCommand("f-1", "mallory", 1, GLACIER, T0))
                .expectException(refusedWith(ErrorCode.FILE_NOT_FOUND))
                .expectNoEvents();
    }

    @Test
    void anArchivedVersionIsRetrievedReadableUntilItExpiresAndRetrievedAgain() {
        String archived = KEY_1 + ".glacier";
        Instant until = LATER.plus(Duration.ofDays(2));
        var requested = new FileArchiveRetrievalRequestedEvent("f-1", 1, archived, 2, RetrievalTier.BULK, "alice", LATER);
        var retrieved = new FileArchiveRetrievedEvent("f-1", 1, archived, until, LATER.plusSeconds(3600));
        fixture.given(twoVersions()).andGiven(changed(1, STANDARD, GLACIER, KEY_1, KEY_1, "r"))
                .when(new RequestArchiveRetrievalCommand("f-1", "alice", 1, 2, RetrievalTier.BULK, LATER))
                .expectEvents(requested)
                .expectResultMessagePayload(RetrievalStatus.REQUESTED);
        fixture.given(twoVersions()).andGiven(changed(1, STANDARD, GLACIER, KEY_1, KEY_1, "r"), requested)
                .when(new RequestArchiveRetrievalCommand("f-1", "alice", 1, 2, RetrievalTier.BULK, LATER))
                .expectNoEvents()
                .expectResultMessagePayload(RetrievalStatus.REQUESTED);
        fixture.given(twoVersions()).andGiven(changed(1, STANDARD, GLACIER, KEY_1, KEY_1, "r"), requested)
                .when(new RecordArchiveRetrievedCommand("f-1", 1, archived, until, LATER.plusSeconds(3600)))
                .expectEvents(retrieved);
        fixture.given(twoVersions()).andGiven(changed(1, STANDARD, GLACIER, KEY_1, KEY_1, "r"), requested, retrieved)
                .when(new RecordArchiveRetrievedCommand("f-1", 1, archived, until, LATER.plusSeconds(7200)))
                .expectNoEvents();
        fixture.given(twoVersions()).andGiven(changed(1, STANDARD, GLACIER, KEY_1, KEY_1, "r"), requested, retrieved)
                .when(new RequestArchiveRetrievalCommand("f-1", "alice", 1, 2, RetrievalTier.BULK, LATER.plusSeconds(7200)))
                .expectNoEvents()
                .expectResultMessagePayload(RetrievalStatus.AVAILABLE);
        // Expired: asked for again.
        var again = new FileArchiveRetrievalRequestedEvent("f-1", 1, archived, 1, RetrievalTier.STANDARD, "alice", until);
        fixture.given(twoVersions()).andGiven(changed(1, STANDARD, GLACIER, KEY_1, KEY_1, "r"), requested, retrieved)
                .when(new RequestArchiveRetrievalCommand("f-1", "alice", 1, 1, RetrievalTier.STANDARD, until))
                .expectEvents(again)
                .expectResultMessagePayload(RetrievalStatus.REQUESTED);
    }

    @Test
    void anArchivedVersionIsMadeNewestOrTransformedOnlyWhileRetrieved() {
        var archived = changed(1, STANDARD, GLACIER, KEY_1, KEY_1, "r");
        fixture.given(twoVersions()).andGiven(archived)
                .when(new RestoreFileVersionCommand("f-1", "alice", 1, LATER))
                .expectException(refusedWith(ErrorCode.VERSION_ARCHIVED))
                .expectNoEvents();
        fixture.given(twoVersions()).andGiven(archived)
                .when(new RequestTransformCommand("f-1", "alice", 1L, Transform.of(100, 100, null, null), 20, LATER))
                .expectException(refusedWith(ErrorCode.VERSION_ARCHIVED))
                .expectNoEvents();
        fixture.given(twoVersions()).andGiven(archived,
                        new FileArchiveRetrievalRequestedEvent("f-1", 1, KEY_1 + ".glacier", 2, RetrievalTier.BULK,
                                "alice", LATER),
                        new FileArchiveRetrievedEvent("f-1", 1, KEY_1 + ".glacier", LATER.plus(Duration.ofDays(2)), LATER))
                .when(new RestoreFileVersionCommand("f-1", "alice", 1, LATER.plusSeconds(60)))
                .expectSuccessfulHandlerExecution()
                .expectResultMessagePayload(3L);
    }

    @Test
    void aRetrievalOfAVersionThatIsNotArchivedIsRefused() {
        fixture.given(twoVersions())
                .when(new RequestArchiveRetrievalCommand("f-1", "alice", 1, 1, RetrievalTier.STANDARD, T0))
                .expectException(refusedWith(ErrorCode.VERSION_NOT_ARCHIVED))
                .expectNoEvents();
    }

    @Test
    void aShareLinkServesAnArchivedVersionOnlyWhileRetrieved() {
        String hash = ShareTokens.hash(new byte[ShareTokens.SECRET_BYTES]);
        var shared = new FileSharedEvent("f-1", "s-1", "alice", hash, LATER.plus(Duration.ofDays(30)), null, 1L, T0);
        fixture.given(twoVersions()).andGiven(shared, changed(1, STANDARD, GLACIER, KEY_1, KEY_1, "r"))
                .when(new DownloadSharedFileCommand("f-1", "s-1", hash, LATER))
                .expectException(refusedWith(ErrorCode.VERSION_ARCHIVED))
                .expectNoEvents();
        fixture.given(twoVersions()).andGiven(shared, changed(1, STANDARD, GLACIER, KEY_1, KEY_1, "r"),
                        new FileArchiveRetrievalRequestedEvent("f-1", 1, KEY_1 + ".glacier", 2, RetrievalTier.BULK,
                                "alice", LATER),
                        new FileArchiveRetrievedEvent("f-1", 1, KEY_1 + ".glacier", LATER.plus(Duration.ofDays(2)), LATER))
                .when(new DownloadSharedFileCommand("f-1", "s-1", hash, LATER.plusSeconds(60)))
                .expectEvents(new FileShareUsedEvent("f-1", "s-1", 1, LATER.plusSeconds(60)));
    }
}
