package io.depot.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.matchers.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FileNameTest {

    private static final String NAME_ID = FileIds.nameId("alice", "a.png");

    private AggregateTestFixture<FileName> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(FileName.class);
    }

    @Test
    void aFreeNameIsClaimedAndClaimingItAgainChangesNothing() {
        fixture.givenNoPriorActivity()
                .when(new ClaimFileNameCommand(NAME_ID, "alice", "a.png", "f-1"))
                .expectEvents(new FileNameClaimedEvent(NAME_ID, "alice", "a.png", "f-1"));
        fixture.given(new FileNameClaimedEvent(NAME_ID, "alice", "a.png", "f-1"))
                .when(new ClaimFileNameCommand(NAME_ID, "alice", "a.png", "f-1"))
                .expectNoEvents();
    }

    @Test
    void aNameAnotherFileHoldsIsRefused() {
        fixture.given(new FileNameClaimedEvent(NAME_ID, "alice", "a.png", "f-1"))
                .when(new ClaimFileNameCommand(NAME_ID, "alice", "a.png", "f-2"))
                .expectException(Matchers.predicate(e -> e instanceof DepotException d
                        && d.code() == ErrorCode.FILENAME_TAKEN))
                .expectNoEvents();
    }

    @Test
    void aReleasedNameSendsTheNextUploadToANewFile() {
        fixture.given(new FileNameClaimedEvent(NAME_ID, "alice", "a.png", FileIds.of("alice", "a.png")))
                .when(new ResolveFileNameCommand(NAME_ID))
                .expectResultMessagePayload(FileIds.of("alice", "a.png"));
        fixture.given(new FileNameClaimedEvent(NAME_ID, "alice", "a.png", FileIds.of("alice", "a.png")),
                        new FileNameReleasedEvent(NAME_ID, FileIds.of("alice", "a.png")))
                .when(new ResolveFileNameCommand(NAME_ID))
                .expectResultMessagePayload(FileIds.of("alice", "a.png", 1));
    }

    @Test
    void onlyItsHolderReleasesAName() {
        fixture.given(new FileNameClaimedEvent(NAME_ID, "alice", "a.png", "f-1"))
                .when(new ReleaseFileNameCommand(NAME_ID, "f-2"))
                .expectNoEvents();
        fixture.given(new FileNameClaimedEvent(NAME_ID, "alice", "a.png", "f-1"))
                .when(new ReleaseFileNameCommand(NAME_ID, "f-1"))
                .expectEvents(new FileNameReleasedEvent(NAME_ID, "f-1"));
    }
}
