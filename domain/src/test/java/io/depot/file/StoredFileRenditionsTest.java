package io.depot.file;

import io.depot.error.DepotException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StoredFileRenditionsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private AggregateTestFixture<StoredFile> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(StoredFile.class);
    }

    private static FileVersionedEvent versioned(long version, String uploadId) {
        return new FileVersionedEvent("f-1", version, uploadId, "alice", "a.png", "image/png", 10, null,
                StorageClass.STANDARD, Visibility.PRIVATE, "objects/f-1/" + uploadId, T0);
    }

    private static FileVersionAvailableEvent available(long version, String uploadId) {
        return new FileVersionAvailableEvent("f-1", version, "objects/f-1/" + uploadId, false, T0);
    }

    private static String key(long version, String name) {
        return "renditions/f-1/" + version + "/" + name;
    }

    private static RecordRenditionCommand record(long version, String name) {
        return new RecordRenditionCommand("f-1", version, name, key(version, name), "image/jpeg", 128, 96, 2000, T0);
    }

    private static FileRenditionCreatedEvent created(long version, String name) {
        return new FileRenditionCreatedEvent("f-1", version, name, key(version, name), "image/jpeg", 128, 96, 2000, T0);
    }

    @Test
    void anAvailableVersionRecordsARendition() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"))
                .when(record(1, "128.jpg"))
                .expectEvents(created(1, "128.jpg"));
    }

    @Test
    void theSameRenditionIsRecordedOnce() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), created(1, "128.jpg"))
                .when(record(1, "128.jpg"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aVersionStillProcessingRefusesRenditions() {
        fixture.given(versioned(1, "u-1"))
                .when(record(1, "128.jpg"))
                .expectNoEvents()
                .expectException(DepotException.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("processing"));
    }

    @Test
    void aFailedVersionRefusesRenditions() {
        fixture.given(versioned(1, "u-1"),
                        new FileVersionFailedEvent("f-1", 1, "objects/f-1/u-1", "size differs", T0))
                .when(record(1, "128.jpg"))
                .expectNoEvents()
                .expectException(DepotException.class);
    }

    @Test
    void aRenditionFailureIsRecordedOnceAndLeavesTheVersionAvailable() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"),
                        new FileRenditionFailedEvent("f-1", 1, "not an image", T0))
                .when(new RecordRenditionFailedCommand("f-1", 1, "not an image", T0))
                .expectNoEvents()
                .expectState(file -> assertThat(file.versionHolding("objects/f-1/u-1")).contains(1L));
    }

    @Test
    void describingTheSourceNamesWhatIsAlreadyMade() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), created(1, "128.jpg"))
                .when(new DescribeRenditionSourceCommand("f-1", 1))
                .expectNoEvents()
                .expectResultMessagePayload(new RenditionSource("objects/f-1/u-1", "image/png", List.of("128.jpg"),
                        false));
    }

    @Test
    void deletingAVersionRemovesItsRenditions() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), versioned(2, "u-2"), available(2, "u-2"),
                        created(1, "128.jpg"), created(1, "128.png"), created(2, "128.jpg"))
                .when(new DeleteFileVersionCommand("f-1", "alice", 1, T0))
                .expectEvents(new FileVersionDeletedEvent("f-1", 1, "alice", "objects/f-1/u-1", T0),
                        new FileRenditionsRemovedEvent("f-1", 1, List.of(key(1, "128.jpg"), key(1, "128.png")), T0));
    }

    @Test
    void deletingTheFileRemovesEveryVersionsRenditions() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), versioned(2, "u-2"), available(2, "u-2"),
                        created(1, "128.jpg"), created(2, "128.jpg"))
                .when(new DeleteFileCommand("f-1", "alice", T0))
                .expectEvents(new FileDeletedEvent("f-1", "alice", 2, List.of("objects/f-1/u-1", "objects/f-1/u-2"), T0),
                        new FileRenditionsRemovedEvent("f-1", 1, List.of(key(1, "128.jpg")), T0),
                        new FileRenditionsRemovedEvent("f-1", 2, List.of(key(2, "128.jpg")), T0));
    }

    @Test
    void aVersionFoundInfectedLosesItsRenditions() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), created(1, "128.jpg"))
                .when(new RecordFileInfectedCommand("f-1", 1, "Eicar", null, T0))
                .expectEvents(new FileInfectedEvent("f-1", 1, "objects/f-1/u-1", "Eicar", null, T0),
                        new FileRenditionsRemovedEvent("f-1", 1, List.of(key(1, "128.jpg")), T0));
    }

    @Test
    void aDeletedVersionRefusesALateRendition() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), versioned(2, "u-2"), available(2, "u-2"),
                        new FileVersionDeletedEvent("f-1", 1, "alice", "objects/f-1/u-1", T0))
                .when(record(1, "128.jpg"))
                .expectNoEvents()
                .expectException(DepotException.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("has no version 1"));
    }
}
