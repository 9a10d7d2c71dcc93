package io.depot.worker.tier;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.ChangeStorageClassCommand;
import io.depot.file.PlanStorageClassChangeCommand;
import io.depot.file.StorageClass;
import io.depot.file.StorageClassChangeOutcome;
import io.depot.file.StorageClassMove;
import io.depot.platform.processing.BackgroundCommands;
import io.depot.platform.storage.ObjectStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;

/**
 * Moves one version's object to another storage class: asks the file for the move, copies the object storage side
 * into the class, then records the change, which the file decides again. What the file declines leaves a copy no
 * version holds: it is deleted here. A crash between copying and recording leaves the copy at its fixed key, where
 * the retry writes it again; if no retry comes (the version was deleted meanwhile), reconcile finds it as an orphan.
 * The old object is never deleted here: the change names it as released when no other version holds it.
 */
@Component
class StorageMover {

    private static final Logger log = LoggerFactory.getLogger(StorageMover.class);
    /** A 5 TiB object is copied in 1 GiB parts, storage side. */
    private static final Duration COPY_TIMEOUT = Duration.ofHours(2);
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    /** What became of a move. */
    enum Result {
        MOVED,
        /** The file saw nothing to move: already there or colder, pinned, not available, or moved since. */
        UNCHANGED
    }

    private final BackgroundCommands commands;
    private final ObjectStorage storage;

    StorageMover(BackgroundCommands commands, ObjectStorage storage) {
        this.commands = commands;
        this.storage = storage;
    }

    /**
     * Moves version {@code version} of {@code fileId} to {@code to}, for {@code rule} or for the owner
     * {@code requestedBy}.
     *
     * @throws DepotException with {@link ErrorCode#STORAGE_UNAVAILABLE} while storage fails, and
     *                        {@link io.depot.platform.processing.BackgroundCommands.BackgroundCommandException} while
     *                        the event store does: both are worth retrying
     */
    Result move(String fileId, long version, StorageClass to, String rule, String requestedBy, Instant at) {
        StorageClassMove move;
        try {
            move = commands.send(new PlanStorageClassChangeCommand(fileId, version, to, rule, requestedBy, at));
        } catch (DepotException refused) {
            log.info("version {} of file {} is not moved to {}: {}", version, fileId, to, refused.getMessage());
            return Result.UNCHANGED;
        }
        if (move == null) {
            return Result.UNCHANGED;
        }
        try {
            storage.copy(move.sourceKey(), move.targetKey(), move.size(), to).block(COPY_TIMEOUT);
        } catch (DepotException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            // The object left its key since the file answered: the version moved or was deleted meanwhile.
            log.info("version {} of file {} is not moved to {}: {} is gone", version, fileId, to, move.sourceKey());
            return Result.UNCHANGED;
        }
        StorageClassChangeOutcome outcome;
        try {
            outcome = commands.send(new ChangeStorageClassCommand(fileId, version, to, move.sourceKey(),
                    move.targetKey(), rule, requestedBy, at));
        } catch (DepotException refused) {
            // Whether another version holds the copy is unknown here: reconcile removes it if none does.
            log.info("moving version {} of file {} to {} was refused: {}", version, fileId, to, refused.getMessage());
            return Result.UNCHANGED;
        }
        if (!outcome.changed() && !outcome.targetHeld()) {
            storage.delete(move.targetKey()).block(TIMEOUT);
        }
        if (outcome.changed()) {
            log.info("version {} of file {} moved from {} to {} ({})", version, fileId, move.from(), to,
                    rule != null ? "rule " + rule : "asked by its owner");
        }
        return outcome.changed() ? Result.MOVED : Result.UNCHANGED;
    }
}
