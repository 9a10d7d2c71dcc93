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
                        new FileRenditionFailedEvent("f-1", 1, null, "not an image", T0))
                .when(new RecordRenditionFailedCommand("f-1", 1, null, "not an image", T0))
                .expectNoEvents()
                .expectState(file -> assertThat(file.versionHolding("objects/f-1/u-1")).contains(1L));
    }

    @Test
    void describingTheSourceNamesWhatIsAlreadyMade() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), created(1, "128.jpg"))
                .when(new DescribeRenditionSourceCommand("f-1", 1))
                .expectNoEvents()
                .expectResultMessagePayload(new RenditionSource("objects/f-1/u-1", "image/png", List.of("128.jpg"),
                        false, List.of()));
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

    // ---- transforms ----------------------------------------------------------------------------------------

    private static final Transform COVER = new Transform(640, 480, Transform.Fit.COVER, Transform.Format.JPEG);

    private static RequestTransformCommand transform(Long version, Transform transform) {
        return new RequestTransformCommand("f-1", "alice", version, transform, 3, T0);
    }

    private static FileRenditionRequestedEvent requested(long version, Transform transform) {
        return new FileRenditionRequestedEvent("f-1", version, transform.name(), transform.width(), transform.height(),
                transform.fit(), transform.format(), "alice", T0);
    }

    @Test
    void aTransformIsNamedFromItsParametersAlone() {
        assertThat(COVER.name()).isEqualTo("w640-h480-cover.jpg");
        assertThat(Transform.of(640, null, "fill", "png").name()).as("one side: every fit scales to it")
                .isEqualTo("w640-contain.png");
        assertThat(Transform.of(null, 300, null, null).name()).isEqualTo("h300-contain.jpg");
        assertThat(Transform.of(640, 480, "cover", "jpeg")).isEqualTo(COVER);
    }

    @Test
    void aTransformOutsideTheLimitsIsRefusedWithItsReason() {
        assertThat(refusal(() -> Transform.of(0, 10, null, null))).isEqualTo("validation-failed");
        assertThat(refusal(() -> Transform.of(5000, null, null, null))).isEqualTo("validation-failed");
        assertThat(refusal(() -> Transform.of(null, null, null, null))).isEqualTo("validation-failed");
        assertThat(refusal(() -> Transform.of(10, 10, "stretch", null))).isEqualTo("validation-failed");
        assertThat(refusal(() -> Transform.of(10, 10, null, "webp"))).isEqualTo("format-not-supported");
        assertThat(refusal(() -> Transform.of(10, 10, null, "gif"))).isEqualTo("format-not-supported");
    }

    private static String refusal(Runnable call) {
        try {
            call.run();
        } catch (DepotException e) {
            return e.code().slug();
        }
        throw new AssertionError("not refused");
    }

    @Test
    void aTransformIsRecordedOnceAndAnsweredTheSameWhenAskedAgain() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"))
                .when(transform(null, COVER))
                .expectEvents(requested(1, COVER))
                .expectResultMessagePayload(new RequestedRendition(1, "w640-h480-cover.jpg", RenditionStatus.PENDING));
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), requested(1, COVER))
                .when(transform(1L, COVER))
                .expectNoEvents()
                .expectResultMessagePayload(new RequestedRendition(1, "w640-h480-cover.jpg", RenditionStatus.PENDING));
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), requested(1, COVER), created(1, COVER.name()))
                .when(transform(null, COVER))
                .expectNoEvents()
                .expectResultMessagePayload(new RequestedRendition(1, "w640-h480-cover.jpg",
                        RenditionStatus.AVAILABLE));
    }

    @Test
    void aTransformIsMadeOfTheNewestAvailableVersionUnlessOneIsNamed() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), versioned(2, "u-2"))
                .when(transform(null, COVER))
                .expectEvents(requested(1, COVER));
    }

    @Test
    void aVersionStillProcessingRefusesATransform() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), versioned(2, "u-2"))
                .when(transform(2L, COVER))
                .expectNoEvents()
                .expectException(org.hamcrest.Matchers.<DepotException>hasProperty("message",
                        org.hamcrest.Matchers.containsString("processing")));
    }

    @Test
    void onlyTheOwnerMayAskForATransform() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"))
                .when(new RequestTransformCommand("f-1", "mallory", null, COVER, 3, T0))
                .expectNoEvents()
                .expectException(DepotException.class)
                .expectExceptionMessage("no file f-1");
    }

    @Test
    void aVersionTakesNoMoreDistinctTransformsThanAllowedButAsksAgainForOnesItHas() {
        Transform a = Transform.of(10, null, null, null);
        Transform b = Transform.of(20, null, null, null);
        Transform c = Transform.of(30, null, null, null);
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), requested(1, a), requested(1, b), requested(1, c))
                .when(transform(1L, Transform.of(40, null, null, null)))
                .expectNoEvents()
                .expectException(DepotException.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("already has 3 transforms"));
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), requested(1, a), requested(1, b), requested(1, c))
                .when(transform(1L, b))
                .expectNoEvents()
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void failuresAreRecordedPerNameAndLeaveTheOtherRenditionsAlone() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), requested(1, COVER))
                .when(new RecordRenditionFailedCommand("f-1", 1, COVER.name(), "declares 100000 x 100000", T0))
                .expectEvents(new FileRenditionFailedEvent("f-1", 1, COVER.name(), "declares 100000 x 100000", T0));
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), requested(1, COVER),
                        new FileRenditionFailedEvent("f-1", 1, COVER.name(), "declares 100000 x 100000", T0))
                .when(new RecordRenditionFailedCommand("f-1", 1, COVER.name(), "again", T0))
                .expectNoEvents();
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), requested(1, COVER),
                        new FileRenditionFailedEvent("f-1", 1, COVER.name(), "declares 100000 x 100000", T0))
                .when(new RecordRenditionFailedCommand("f-1", 1, null, "not an image", T0))
                .expectEvents(new FileRenditionFailedEvent("f-1", 1, null, "not an image", T0));
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), requested(1, COVER),
                        new FileRenditionFailedEvent("f-1", 1, COVER.name(), "declares 100000 x 100000", T0))
                .when(new DescribeRenditionSourceCommand("f-1", 1))
                .expectResultMessagePayload(new RenditionSource("objects/f-1/u-1", "image/png", List.of(), false,
                        List.of(COVER.name())));
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), requested(1, COVER),
                        new FileRenditionFailedEvent("f-1", 1, COVER.name(), "declares 100000 x 100000", T0))
                .when(transform(1L, COVER))
                .expectResultMessagePayload(new RequestedRendition(1, COVER.name(), RenditionStatus.FAILED));
    }

    @Test
    void aStartedRenditionIsProcessingUntilMadeAndStartsOnce() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"))
                .when(new RecordRenditionStartedCommand("f-1", 1, "720p.mp4", T0))
                .expectEvents(new FileRenditionStartedEvent("f-1", 1, "720p.mp4", T0));
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), new FileRenditionStartedEvent("f-1", 1, "720p.mp4", T0))
                .when(new RecordRenditionStartedCommand("f-1", 1, "720p.mp4", T0))
                .expectNoEvents();
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), created(1, "720p.mp4"))
                .when(new RecordRenditionStartedCommand("f-1", 1, "720p.mp4", T0))
                .expectNoEvents();
    }

    @Test
    void aVersionWithOnlyPendingTransformsClearsThemWhenItIsInfected() {
        fixture.given(versioned(1, "u-1"), available(1, "u-1"), requested(1, COVER))
                .when(new RecordFileInfectedCommand("f-1", 1, "Eicar", null, T0))
                .expectEvents(new FileInfectedEvent("f-1", 1, "objects/f-1/u-1", "Eicar", null, T0),
                        new FileRenditionsRemovedEvent("f-1", 1, List.of(), T0));
    }
}
