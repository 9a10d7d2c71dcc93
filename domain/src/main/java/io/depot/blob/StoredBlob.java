package io.depot.blob;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * Content stored once for every version with the same bytes in the same storage class, whoever uploaded them: the
 * versions' references are counted by events, and the object is deleted only when the last one is released. Every
 * reference and release goes through this aggregate, one at a time, so two identical uploads completing together
 * share one object, and a release racing a new reference never deletes what the new reference uses: a reference that
 * arrives after the count reached zero makes its own upload's object the blob's.
 * <p>
 * Sharing is decided only after an upload stored and Depot verified all its bytes, and nothing a client sees differs
 * (the version's answer, its timing, its download): no one learns that content exists elsewhere.
 */
public class StoredBlob {

    @AggregateIdentifier
    private String blobId;
    private String objectKey;
    private Set<String> references = new HashSet<>();
    private Set<String> released = new HashSet<>();

    protected StoredBlob() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public String handle(ReferenceBlobCommand command) {
        if (released.contains(command.reference())) {
            throw new DepotException(ErrorCode.VERSION_NOT_FOUND, "reference " + command.reference() + " on "
                    + command.blobId() + " was released");
        }
        if (references.contains(command.reference())) {
            return objectKey;
        }
        boolean adopt = objectKey == null;
        String key = adopt ? command.candidateKey() : objectKey;
        apply(new BlobReferencedEvent(command.blobId(), command.reference(), key,
                adopt || key.equals(command.candidateKey()) ? null : command.candidateKey(), command.sha256(),
                command.size(), command.storageClass(), references.size() + 1, command.at()));
        return key;
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(ReleaseBlobCommand command) {
        if (released.contains(command.reference())) {
            return;
        }
        List<String> deleted = new ArrayList<>();
        int remaining = references.size();
        if (references.contains(command.reference())) {
            remaining--;
            if (remaining == 0) {
                deleted.add(objectKey);
            }
        }
        // The file let go before it took the blob's object: its upload's own object is no one's.
        if (command.objectKey() != null && !command.objectKey().equals(objectKey)) {
            deleted.add(command.objectKey());
        }
        apply(new BlobReleasedEvent(command.blobId(), command.reference(), List.copyOf(deleted), remaining,
                command.at()));
    }

    /** Whether the object at {@code key} is this blob's and still referenced. */
    public boolean holds(String key) {
        return key.equals(objectKey) && !references.isEmpty();
    }

    @EventSourcingHandler
    void on(BlobReferencedEvent event) {
        blobId = event.blobId();
        objectKey = event.objectKey();
        references.add(event.reference());
    }

    @EventSourcingHandler
    void on(BlobReleasedEvent event) {
        blobId = event.blobId();
        released.add(event.reference());
        if (references.remove(event.reference()) && references.isEmpty()) {
            objectKey = null;
        }
    }
}
