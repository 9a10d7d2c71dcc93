package io.depot.query.file;

import io.depot.blob.ContentRelease;
import io.depot.file.FileDeletedEvent;
import io.depot.file.FileVersionContentLinkedEvent;
import io.depot.file.FileInfectedEvent;
import io.depot.file.FileVersionVerifiedEvent;
import io.depot.file.FileVersionedEvent;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How any file event becomes a history entry: its type, its actor, and which of its fields a reader sees. */
class HistoryEntryTest {

    private static final Instant AT = Instant.parse("2026-11-29T10:00:00Z");

    /** An event of the kind still to come: it names its actor, a requester, a client and a secret's hash. */
    record ShareLinkCreatedEvent(String fileId, String linkId, String actorId, String requesterId, String tokenHash,
                                 String clientAddress, Instant createdAt) {
    }

    record TaggedEvent(String fileId, String requesterId, String userId, List<String> tags) {
    }

    record FileRenamedEvent(String fileId, String userId, String ownerId, String filename) {
    }

    @Test
    void aVersionIsTheOwnersDoingAndShowsItsFieldsInSnakeCaseWithoutItsObjectKey() {
        var versioned = new FileVersionedEvent("f1", 2, "u2", "olga", "a.txt", "text/plain", 12, null,
                StorageClass.STANDARD, Visibility.PRIVATE, "objects/f1/u2", AT);

        HistoryEntry entry = HistoryEntry.of(message(7, versioned), false);

        assertThat(entry.sequence()).isEqualTo(7);
        assertThat(entry.type()).isEqualTo("FileVersioned");
        assertThat(entry.at()).isEqualTo(AT);
        assertThat(entry.actor()).isEqualTo("olga");
        assertThat(entry.details()).containsOnlyKeys("version", "upload_id", "owner_id", "filename", "content_type",
                "size", "storage_class", "visibility", "versioned_at");
        assertThat(entry.details()).containsEntry("upload_id", "u2").containsEntry("versioned_at", AT)
                .containsEntry("storage_class", StorageClass.STANDARD);
    }

    @Test
    void aDeletionIsTheOwnersDoingAndListsNoObjectKeys() {
        HistoryEntry entry = HistoryEntry.of(message(9,
                new FileDeletedEvent("f1", "olga", 2, List.of("objects/f1/u1"), AT,
                        List.of(new ContentRelease("blob-standard-abc", "f1:2", "objects/f0/u0")))), false);

        assertThat(entry.type()).isEqualTo("FileDeleted");
        assertThat(entry.actor()).isEqualTo("olga");
        assertThat(entry.details()).containsOnlyKeys("owner_id", "last_version", "deleted_at");
    }

    /** Whether a version's bytes were stored before, by anyone, shows nowhere: the entry is the same either way. */
    @Test
    void aLinkedVersionShowsNeitherItsBlobNorWhetherItWasDeduplicated() {
        HistoryEntry own = HistoryEntry.of(message(3, new FileVersionContentLinkedEvent("f1", 1, "blob-standard-abc",
                "objects/f1/u1", null, AT)), false);
        HistoryEntry shared = HistoryEntry.of(message(3, new FileVersionContentLinkedEvent("f1", 1, "blob-standard-abc",
                "objects/f0/u0", "objects/f1/u1", AT)), false);

        assertThat(own.details()).containsOnlyKeys("version", "at");
        assertThat(shared).isEqualTo(own);
    }

    @Test
    void whatDepotDidHasNoActorAndNoStorageKeys() {
        HistoryEntry verified = HistoryEntry.of(message(1, new FileVersionVerifiedEvent("f1", 1, "abc")), false);
        HistoryEntry infected = HistoryEntry.of(message(2, new FileInfectedEvent("f1", 1, "objects/f1/u1",
                "Eicar-Test-Signature", "quarantine/f1/u1", AT)), false);

        assertThat(verified.actor()).isNull();
        assertThat(verified.details()).containsOnlyKeys("version", "sha256");
        assertThat(infected.actor()).isNull();
        assertThat(infected.details()).containsOnlyKeys("version", "signature", "at");
    }

    @Test
    void theActorIsTheActorThenTheRequesterThenTheUserAndOnlyThenTheOwnerOfAVersionOrDeletion() {
        assertThat(HistoryEntry.of(message(3, new ShareLinkCreatedEvent("f1", "l1", "ada", "rob", "h", "10.0.0.1", AT)),
                false).actor()).isEqualTo("ada");
        assertThat(HistoryEntry.of(message(3, new ShareLinkCreatedEvent("f1", "l1", null, "rob", "h", "10.0.0.1", AT)),
                false).actor()).isEqualTo("rob");
        assertThat(HistoryEntry.of(message(3, new TaggedEvent("f1", null, "uma", List.of("x"))), false).actor())
                .isEqualTo("uma");
        assertThat(HistoryEntry.of(message(3, new FileRenamedEvent("f1", null, "olga", "b.txt")), false).actor())
                .as("an owner named by an event other than a version or a deletion is not its actor").isNull();
    }

    @Test
    void hashesAreNeverShownAndClientAddressesOnlyToAuditors() {
        var created = new ShareLinkCreatedEvent("f1", "l1", "ada", null, "secret-hash", "10.0.0.1", AT);

        HistoryEntry forOwner = HistoryEntry.of(message(4, created), false);
        HistoryEntry forAuditor = HistoryEntry.of(message(4, created), true);

        assertThat(forOwner.type()).isEqualTo("ShareLinkCreated");
        assertThat(forOwner.details()).containsOnlyKeys("link_id", "actor_id", "created_at");
        assertThat(forAuditor.details()).containsOnlyKeys("link_id", "actor_id", "client_address", "created_at")
                .containsEntry("client_address", "10.0.0.1");
    }

    @Test
    void listsAreShownAsTheyAre() {
        assertThat(HistoryEntry.of(message(5, new TaggedEvent("f1", "rob", null, List.of("a", "b"))), false).details())
                .containsEntry("tags", List.of("a", "b")).containsEntry("requester_id", "rob");
    }

    private static GenericDomainEventMessage<Object> message(long sequence, Object payload) {
        return new GenericDomainEventMessage<>("StoredFile", "f1", sequence, payload, MetaData.emptyInstance(),
                "event-" + sequence, AT);
    }
}
