package io.depot.file;

import io.depot.blob.BlobIds;
import io.depot.blob.ContentRelease;
import io.depot.error.DepotException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A file's verified versions hold their content through blobs: deduplicated, and released through the blob. */
class StoredFileContentTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String SHA = "cd".repeat(32);
    private static final String BLOB = BlobIds.of(StorageClass.STANDARD, SHA);
    private static final String SHARED = "objects/f-0/u-0";

    private AggregateTestFixture<StoredFile> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(StoredFile.class);
    }

    private static FileVersionedEvent versioned(long version) {
        return new FileVersionedEvent("f-1", version, "u-" + version, "alice", "a.bin", "application/octet-stream", 10,
                SHA, StorageClass.STANDARD, Visibility.PRIVATE, key(version), T0);
    }

    private static String key(long version) {
        return "objects/f-1/u-" + version;
    }

    private static FileVersionVerifiedEvent verified(long version) {
        return new FileVersionVerifiedEvent("f-1", version, SHA);
    }

    private static FileVersionAvailableEvent available(long version, String objectKey) {
        return new FileVersionAvailableEvent("f-1", version, objectKey, false, T0);
    }

    private static FileVersionContentLinkedEvent deduplicated(long version) {
        return new FileVersionContentLinkedEvent("f-1", version, BLOB, SHARED, key(version), T0);
    }

    @Test
    void aVersionTakesTheObjectOfBytesStoredBefore() {
        fixture.given(versioned(1), verified(1))
                .when(new LinkFileContentCommand("f-1", 1, BLOB, SHARED, T0))
                .expectEvents(deduplicated(1));
    }

    @Test
    void aVersionWhoseUploadStoredTheBytesFirstKeepsItsObject() {
        fixture.given(versioned(1), verified(1))
                .when(new LinkFileContentCommand("f-1", 1, BLOB, key(1), T0))
                .expectEvents(new FileVersionContentLinkedEvent("f-1", 1, BLOB, key(1), null, T0));
    }

    @Test
    void linkingTwiceRecordsOnce() {
        fixture.given(versioned(1), verified(1), deduplicated(1))
                .when(new LinkFileContentCommand("f-1", 1, BLOB, SHARED, T0))
                .expectNoEvents();
    }

    @Test
    void linkingIsRefusedOnceTheFileOrVersionLetGo() {
        fixture.given(versioned(1), verified(1), new FileDeletedEvent("f-1", "alice", 1, List.of(), T0,
                        List.of(new ContentRelease(BLOB, "f-1:1", key(1)))))
                .when(new LinkFileContentCommand("f-1", 1, BLOB, SHARED, T0))
                .expectException(DepotException.class)
                .expectNoEvents();
        fixture.given(versioned(1), verified(1), new FileVersionFailedEvent("f-1", 1, key(1), "gone", T0))
                .when(new LinkFileContentCommand("f-1", 1, BLOB, SHARED, T0))
                .expectException(DepotException.class);
    }

    /** The file knows verified content by its blob: deleting it releases the reference instead of the object. */
    @Test
    void deletingTheFileReleasesItsBlobReferences() {
        fixture.given(versioned(1), verified(1), deduplicated(1), available(1, SHARED),
                        versioned(2), new FileVersionedEvent("f-1", 3, "u-3", "alice", "a.bin", "text/plain", 10, null,
                                StorageClass.STANDARD, Visibility.PRIVATE, key(3), T0))
                .when(new DeleteFileCommand("f-1", "alice", T0))
                .expectEvents(new FileDeletedEvent("f-1", "alice", 3, List.of(key(2), key(3)), T0,
                        List.of(new ContentRelease(BLOB, "f-1:1", SHARED))))
                .expectResultMessagePayload(new FileRemoval("a.bin", List.of(SHARED, key(2), key(3))));
    }

    /**
     * Two versions of one file with the same bytes hold a reference each, on one object: deleting one releases its
     * own reference; a restore shares its source's, released only with the last version that holds it.
     */
    @Test
    void eachVersionReleasesItsOwnReferenceAndARestoreSharesItsSources() {
        var restored = new FileVersionRestoredEvent("f-1", 3, 1, "alice", "a.bin", "application/octet-stream", 10, SHA,
                StorageClass.STANDARD, Visibility.PRIVATE, key(1), null, T0);
        var given = List.<Object>of(versioned(1), verified(1), available(1, key(1)),
                versioned(2), verified(2), new FileVersionContentLinkedEvent("f-1", 2, BLOB, key(1), key(2), T0),
                available(2, key(1)), restored);
        fixture.given(given)
                .when(new DeleteFileVersionCommand("f-1", "alice", 2, T0))
                .expectEvents(new FileVersionDeletedEvent("f-1", 2, "alice", null, T0,
                        new ContentRelease(BLOB, "f-1:2", key(1))));
        fixture.given(given)
                .when(new DeleteFileVersionCommand("f-1", "alice", 1, T0))
                .expectEvents(new FileVersionDeletedEvent("f-1", 1, "alice", null, T0, null));
        fixture.given(concat(given, new FileVersionDeletedEvent("f-1", 1, "alice", null, T0, null)))
                .when(new DeleteFileVersionCommand("f-1", "alice", 3, T0))
                .expectEvents(new FileVersionDeletedEvent("f-1", 3, "alice", null, T0,
                        new ContentRelease(BLOB, "f-1:1", key(1))));
    }

    @Test
    void reconcileFindsTheBlobOfAnObjectTheFileLetGo() {
        StoredFile file = new StoredFile();
        file.on(versioned(1));
        file.on(verified(1));
        file.on(new FileDeletedEvent("f-1", "alice", 1, List.of(), T0, List.of(new ContentRelease(BLOB, "f-1:1", key(1)))));
        assertThat(file.versionHolding(key(1))).isEmpty();
        assertThat(file.blobOf(key(1))).contains(java.util.Map.entry(1L, BLOB));
        assertThat(file.blobOf(key(2))).isEmpty();
    }

    private static List<Object> concat(List<Object> events, Object more) {
        var all = new java.util.ArrayList<>(events);
        all.add(more);
        return all;
    }
}
