package io.depot.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One name of one owner, and the file that holds it, so that no two of an owner's files have the same name: a rename
 * claims its new name here first, and a file's first version claims its name before it is recorded.
 */
public class FileName {

    @AggregateIdentifier
    private String nameId;
    private String ownerId;
    private String filename;
    private String holder;
    private long generation;

    protected FileName() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(ClaimFileNameCommand command) {
        if (command.fileId().equals(holder)) {
            return;
        }
        if (holder != null) {
            throw new DepotException(ErrorCode.FILENAME_TAKEN, "another file is called " + command.filename());
        }
        apply(new FileNameClaimedEvent(command.nameId(), command.ownerId(), command.filename(), command.fileId()));
    }

    @CommandHandler
    public void handle(ReleaseFileNameCommand command) {
        if (command.fileId().equals(holder)) {
            apply(new FileNameReleasedEvent(nameId, holder));
        }
    }

    /** The file an upload of this name goes to. */
    @CommandHandler
    public String handle(ResolveFileNameCommand command) {
        return holder != null ? holder : FileIds.of(ownerId, filename, generation);
    }

    @EventSourcingHandler
    void on(FileNameClaimedEvent event) {
        nameId = event.nameId();
        ownerId = event.ownerId();
        filename = event.filename();
        holder = event.fileId();
    }

    @EventSourcingHandler
    void on(FileNameReleasedEvent event) {
        holder = null;
        generation++;
    }
}
